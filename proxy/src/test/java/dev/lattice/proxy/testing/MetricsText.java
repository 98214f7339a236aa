package dev.lattice.proxy.testing;

import dev.lattice.proxy.metrics.MetricsRegistry;
import java.util.Map;

/** Reads series out of the Prometheus text a registry renders, by name and label subset. */
public final class MetricsText {
  private MetricsText() {}

  /** Sum of every sample of {@code name} whose labels include all of {@code labels}. */
  public static double sum(MetricsRegistry registry, String name, Map<String, String> labels) {
    double total = 0;
    for (String line : registry.render().split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      boolean all = labels.entrySet().stream().allMatch(e -> series.contains(e.getKey() + "=\"" + e.getValue() + "\""));
      if (all) {
        total += Double.parseDouble(line.substring(space + 1));
      }
    }
    return total;
  }

  public static double sum(MetricsRegistry registry, String name) {
    return sum(registry, name, Map.of());
  }
}
