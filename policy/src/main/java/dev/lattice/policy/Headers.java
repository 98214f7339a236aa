package dev.lattice.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request's headers, looked up by lower-case name. The proxy adapts its own header type; every
 * occurrence of a repeated header is returned.
 */
@FunctionalInterface
public interface Headers {
  Headers NONE = name -> List.of();

  /** Every value of the header named {@code lowerCaseName}, in order; empty if absent. */
  List<String> all(String lowerCaseName);

  /** From {@code name, value, name, value, …}; names are case-insensitive. */
  static Headers of(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("expected name/value pairs");
    }
    Map<String, List<String>> map = new TreeMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      map.computeIfAbsent(nameValues[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(nameValues[i + 1]);
    }
    return name -> map.getOrDefault(name, List.of());
  }
}
