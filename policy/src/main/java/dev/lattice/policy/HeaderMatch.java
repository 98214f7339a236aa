package dev.lattice.policy;

import java.util.List;
import java.util.Locale;

/** The request has a header {@code name} (case-insensitive) with a matching value; any occurrence counts. */
public record HeaderMatch(String name, ValueMatch value) {
  public HeaderMatch {
    name = name.toLowerCase(Locale.ROOT);
  }

  public boolean matches(Headers headers) {
    List<String> values = headers.all(name);
    for (int i = 0; i < values.size(); i++) {
      if (value.matches(values.get(i))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return name + ": " + value;
  }
}
