package dev.lattice.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/** How a route match compares the request path (without the query). Case-sensitive. */
public sealed interface PathMatch {
  /** What {@code /} means: every path. A match without a path uses it. */
  PathMatch ANY = new Prefix("/");

  /**
   * The matched length the precedence rules compare (Exact and Prefix by their value's length, a
   * regex by the whole path's), or {@code -1} if {@code path} does not match.
   */
  int matchLength(String path);

  /** The path equals {@code value}. */
  record Exact(String value) implements PathMatch {
    public Exact {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int matchLength(String path) {
      return path.equals(value) ? value.length() : -1;
    }

    @Override
    public String toString() {
      return "Exact " + value;
    }
  }

  /**
   * Whole-segment prefix, trailing slashes ignored: {@code /api} matches {@code /api}, {@code /api/}
   * and {@code /api/x}, never {@code /apix}.
   */
  record Prefix(String value) implements PathMatch {
    public Prefix {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int matchLength(String path) {
      int end = value.length();
      while (end > 0 && value.charAt(end - 1) == '/') {
        end--;
      }
      if (!path.regionMatches(0, value, 0, end)) {
        return -1;
      }
      return path.length() == end || path.charAt(end) == '/' ? value.length() : -1;
    }

    @Override
    public String toString() {
      return "PathPrefix " + value;
    }
  }

  /** The regex matches the entire path; compiled once, when the policy is built. */
  record Regex(Pattern pattern) implements PathMatch {
    public static Regex of(String regex) {
      return new Regex(Pattern.compile(regex));
    }

    @Override
    public int matchLength(String path) {
      return pattern.matcher(path).matches() ? path.length() : -1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern());
    }

    @Override
    public int hashCode() {
      return pattern.pattern().hashCode();
    }

    @Override
    public String toString() {
      return "RegularExpression " + pattern.pattern();
    }
  }
}
