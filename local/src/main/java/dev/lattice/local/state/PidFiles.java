package dev.lattice.local.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One file per process the mesh started ({@code run/pids/<name>.pid}: pid and start time), so a
 * fresh {@code lattice down} can stop them. The start time guards against pid reuse: a recorded pid
 * whose process started at another time is someone else's and is left alone.
 */
public final class PidFiles {
  private final Path directory;

  public PidFiles(Path directory) {
    this.directory = directory;
  }

  public void record(String name, ProcessHandle process) {
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve(name + ".pid"),
          process.pid() + " " + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pid file for " + name, e);
    }
  }

  public void forget(String name) {
    try {
      Files.deleteIfExists(directory.resolve(name + ".pid"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete pid file for " + name, e);
    }
  }

  /** The recorded process, if it still runs and is the one that was recorded. */
  public Optional<ProcessHandle> live(String name) {
    Path file = directory.resolve(name + ".pid");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String[] parts = Files.readString(file).strip().split(" ");
      long pid = Long.parseLong(parts[0]);
      long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0L;
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> started == 0L
          || p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Names of every recorded process. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return names;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.pid")) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        names.add(n.substring(0, n.length() - 4));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
    return names;
  }
}
