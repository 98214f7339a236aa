package dev.lattice.policy;

import java.util.Objects;

/**
 * The raw query has a parameter {@code name} (case-sensitive) with a matching value; any occurrence
 * counts. Values are compared as sent, without percent-decoding.
 */
public record QueryParamMatch(String name, ValueMatch value) {
  public QueryParamMatch {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  public boolean matches(String query) {
    int start = 0;
    int n = query.length();
    while (start <= n) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? n : amp;
      int eq = query.indexOf('=', start);
      int nameEnd = eq < 0 || eq > end ? end : eq;
      if (nameEnd - start == name.length() && query.regionMatches(start, name, 0, name.length())) {
        CharSequence v = nameEnd == end ? "" : query.subSequence(nameEnd + 1, end);
        if (value.matches(v)) {
          return true;
        }
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return false;
  }

  @Override
  public String toString() {
    return name + "=" + value;
  }
}
