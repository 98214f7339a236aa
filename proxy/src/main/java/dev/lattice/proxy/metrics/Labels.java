package dev.lattice.proxy.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordered set of label names and values. Order is kept as given, so output reads like Linkerd's
 * (e.g. {@code direction} first). Equal label sets resolve to the same child series.
 */
public final class Labels {
  public static final Labels EMPTY = new Labels(new String[0]);

  private final String[] namesAndValues;
  private final int hash;

  private Labels(String[] namesAndValues) {
    this.namesAndValues = namesAndValues;
    this.hash = Arrays.hashCode(namesAndValues);
  }

  /** {@code Labels.of("direction", "inbound", "tls", "true")}. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("namesAndValues: odd length " + namesAndValues.length
          + " (expected: name, value pairs)");
    }
    for (String s : namesAndValues) {
      if (s == null) {
        throw new IllegalArgumentException("namesAndValues: null element (expected: empty string for no value)");
      }
    }
    return new Labels(namesAndValues.clone());
  }

  /** These labels followed by {@code more}. */
  public Labels and(String... more) {
    String[] joined = Arrays.copyOf(namesAndValues, namesAndValues.length + more.length);
    System.arraycopy(more, 0, joined, namesAndValues.length, more.length);
    return of(joined);
  }

  public Labels and(Labels more) {
    return and(more.namesAndValues);
  }

  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      names.add(namesAndValues[i]);
    }
    return names;
  }

  /** The value of {@code name}, or null. */
  public String get(String name) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i].equals(name)) {
        return namesAndValues[i + 1];
      }
    }
    return null;
  }

  boolean isEmpty() {
    return namesAndValues.length == 0;
  }

  /** Appends {@code name="value",...} (no braces), escaping values as the text format requires. */
  void appendTo(StringBuilder out) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (i > 0) {
        out.append(',');
      }
      out.append(namesAndValues[i]).append("=\"");
      String value = namesAndValues[i + 1];
      for (int j = 0; j < value.length(); j++) {
        char c = value.charAt(j);
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '"' -> out.append("\\\"");
          case '\n' -> out.append("\\n");
          default -> out.append(c);
        }
      }
      out.append('"');
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels other && Arrays.equals(namesAndValues, other.namesAndValues);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    appendTo(out);
    return out.append('}').toString();
  }
}
