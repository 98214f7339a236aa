package dev.lattice.local.supervise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The supervisor's progress, one line per event, appended to {@code run/progress.log} for
 * {@code lattice up} to relay: {@code step<TAB>text}, then {@code ready<TAB>text} or
 * {@code failed<TAB>text}.
 */
public final class Progress {
  public enum Kind { STEP, READY, FAILED }

  private final Path file;

  public Progress(Path file) {
    this.file = file;
  }

  public synchronized void report(Kind kind, String text) {
    String line = kind.name().toLowerCase(java.util.Locale.ROOT) + "\t" + text.replace('\n', ' ') + "\n";
    try {
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Parses one line written by {@link #report}; null for a partial or foreign line. */
  public static Event parse(String line) {
    int tab = line.indexOf('\t');
    if (tab < 0) {
      return null;
    }
    try {
      return new Event(Kind.valueOf(line.substring(0, tab).toUpperCase(java.util.Locale.ROOT)), line.substring(tab + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public record Event(Kind kind, String text) {}
}
