package dev.lattice.policy;

import java.util.Locale;

/** A route hostname: exact, or {@code *.suffix} matching any name below the suffix. */
public sealed interface HostMatch {
  /** Precedence of a match (exact beats a longer wildcard beats a shorter one), or -1 if none. */
  int rank(String host);

  static HostMatch parse(String hostname) {
    String h = hostname.toLowerCase(Locale.ROOT);
    return h.startsWith("*.") ? new Suffix(h.substring(1)) : new Exact(h);
  }

  record Exact(String host) implements HostMatch {
    @Override
    public int rank(String candidate) {
      return candidate.equalsIgnoreCase(host) ? 1 << 18 : -1;
    }

    @Override
    public String toString() {
      return host;
    }
  }

  /** {@code dotSuffix} starts with a dot, e.g. {@code .example.com}. */
  record Suffix(String dotSuffix) implements HostMatch {
    @Override
    public int rank(String candidate) {
      int at = candidate.length() - dotSuffix.length();
      return at > 0 && candidate.regionMatches(true, at, dotSuffix, 0, dotSuffix.length())
          ? dotSuffix.length() : -1;
    }

    @Override
    public String toString() {
      return "*" + dotSuffix;
    }
  }
}
