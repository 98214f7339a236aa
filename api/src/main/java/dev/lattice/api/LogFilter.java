package dev.lattice.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which level each logger logs at, written as Linkerd's {@code LINKERD2_PROXY_LOG}: comma-separated
 * directives, each a level ({@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error},
 * {@code off}) for every logger, or {@code target=level} for the loggers whose name starts with the
 * target. The most specific target wins. {@code linkerd}, {@code linkerd2_proxy} and {@code lattice}
 * stand for the proxy's own loggers ({@code dev.lattice}), so Linkerd's usual
 * {@code warn,linkerd=info} means the same here; other Rust crate names match nothing and are kept.
 *
 * Empty directives are skipped; an empty filter is an error.
 *
 * @param text the filter as given, for {@code /proxy-log-level} to show
 */
public record LogFilter(String text, Level fallback, List<Directive> directives) {
  /** Levels from the most verbose; a logger logs what is at or above its level. */
  public enum Level {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF
  }

  /** Loggers whose name starts with {@code prefix} log at {@code level}. */
  public record Directive(String prefix, Level level) {}

  private static final Map<String, String> ALIASES =
      Map.of("linkerd", "dev.lattice", "linkerd2_proxy", "dev.lattice", "lattice", "dev.lattice");

  /** Without a filter: everything at {@code info}. */
  public static final LogFilter DEFAULT = parse("info");

  public LogFilter {
    directives = List.copyOf(directives);
  }

  /** Parses {@code text}; an unknown level or a directive without a target is an error naming it. */
  public static LogFilter parse(String text) {
    Level fallback = Level.INFO;
    boolean fallbackGiven = false;
    List<Directive> directives = new ArrayList<>();
    for (String raw : text.split(",", -1)) {
      String directive = raw.strip();
      if (directive.isEmpty()) {
        continue; // "warn," is "warn"
      }
      int eq = directive.indexOf('=');
      if (eq < 0) {
        fallback = level(directive);
        fallbackGiven = true;
        continue;
      }
      String target = directive.substring(0, eq).strip();
      if (target.isEmpty() || directive.substring(eq + 1).isBlank()) {
        throw new IllegalArgumentException("'" + directive + "': expected target=level");
      }
      directives.add(new Directive(ALIASES.getOrDefault(target, target), level(directive.substring(eq + 1).strip())));
    }
    if (!fallbackGiven && text.isBlank()) {
      throw new IllegalArgumentException("empty filter: expected e.g. 'warn,linkerd=info'");
    }
    // Longest prefix first, so the first match is the most specific.
    directives.sort(Comparator.comparingInt((Directive d) -> d.prefix().length()).reversed());
    return new LogFilter(text.strip(), fallback, directives);
  }

  /** The level for the logger named {@code loggerName}. */
  public Level levelFor(String loggerName) {
    for (Directive d : directives) {
      if (loggerName.startsWith(d.prefix())
          && (loggerName.length() == d.prefix().length() || loggerName.charAt(d.prefix().length()) == '.')) {
        return d.level();
      }
    }
    return fallback;
  }

  private static Level level(String name) {
    try {
      return Level.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not a level: expected trace, debug, info, warn, error or off");
    }
  }
}
