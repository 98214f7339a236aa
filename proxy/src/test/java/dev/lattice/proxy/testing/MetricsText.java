package dev.lattice.proxy.testing;

import dev.lattice.proxy.metrics.MetricsRegistry;
import java.util.Map;

/** Reads series out of the Prometheus text a registry renders, by name and label subset. */
public final class MetricsText {
  private MetricsText() {}

  /** Sum of every sample of {@code name} whose labels include all of {@code labels}. */
  public static double sum(MetricsRegistry registry, String name, Map<String, String> labels) {
    return matching(registry, name, labels).mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** How many samples of {@code name} have labels including all of {@code labels}. */
  public static long count(MetricsRegistry registry, String name, Map<String, String> labels) {
    return matching(registry, name, labels).count();
  }

  private static java.util.stream.Stream<String> matching(MetricsRegistry registry, String name, Map<String, String> labels) {
    return registry.render().lines()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .filter(line -> {
          String series = line.substring(0, line.lastIndexOf(' '));
          return labels.entrySet().stream().allMatch(e -> series.contains(e.getKey() + "=\"" + e.getValue() + "\""));
        });
  }

  public static double sum(MetricsRegistry registry, String name) {
    return sum(registry, name, Map.of());
  }
}
