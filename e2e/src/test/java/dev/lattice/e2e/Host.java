package dev.lattice.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the host looks like from outside the mesh: namespaces, links, processes, /etc/netns. */
final class Host {
  private Host() {}

  static String exec(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", argv) + " hung");
    }
    return out;
  }

  static List<String> namespaces() throws IOException, InterruptedException {
    return exec("ip", "netns", "list").lines().map(l -> l.split("\\s+")[0]).filter(s -> !s.isBlank()).toList();
  }

  /** Link names of the host's namespace ({@code ip -o link}). */
  static List<String> links() throws IOException, InterruptedException {
    return exec("ip", "-o", "link").lines().map(l -> l.split(":\\s+")[1].split("@")[0]).toList();
  }

  static List<String> etcNetns() throws IOException {
    List<String> names = new ArrayList<>();
    Path dir = Path.of("/etc/netns");
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(e -> names.add(e.getFileName().toString()));
    }
    return names;
  }

  /** Pids whose command line mentions {@code needle} (e.g. the state directory or a namespace name). */
  static List<Long> processesMentioning(String needle) {
    List<Long> pids = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> {
      if (p.pid() == ProcessHandle.current().pid()) {
        return;
      }
      try {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
        if (new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').contains(needle)) {
          pids.add(p.pid());
        }
      } catch (IOException e) {
        // Exited while we looked.
      }
    });
    return pids;
  }

  /** A fresh world-searchable state directory (the proxy's uid must reach its class path in it). */
  static Path stateDir(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
