package dev.lattice.control.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Defensive copies that keep records comparable by value and their YAML stable. */
final class Maps {
  private Maps() {}

  static Map<String, String> sortedCopy(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }

  static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
