package dev.lattice.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A proxy's {@code /metrics}, scraped the way a user would: {@code ip netns exec NS curl
 * 127.0.0.1:4191/metrics}, parsed from Prometheus text into samples.
 */
record Metrics(List<Sample> samples) {
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  static Metrics scrape(String netns) throws IOException, InterruptedException {
    return parse(Host.exec("ip", "netns", "exec", netns, "curl", "-s", "--max-time", "3", "http://127.0.0.1:4191/metrics"));
  }

  static Metrics parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        int i = 0;
        while (i < body.length()) {
          int eq = body.indexOf('=', i);
          String key = body.substring(i, eq).trim();
          int start = body.indexOf('"', eq) + 1;
          StringBuilder value = new StringBuilder();
          int j = start;
          while (body.charAt(j) != '"') {
            if (body.charAt(j) == '\\') {
              j++;
            }
            value.append(body.charAt(j));
            j++;
          }
          labels.put(key, value.toString());
          i = body.indexOf(',', j);
          i = i < 0 ? body.length() : i + 1;
        }
      }
      try {
        samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
      } catch (NumberFormatException e) {
        // A timestamp or an odd value: not needed here.
      }
    }
    return new Metrics(samples);
  }

  double sum(String name, Predicate<Sample> filter) {
    return samples.stream().filter(s -> s.name().equals(name)).filter(filter).mapToDouble(Sample::value).sum();
  }

  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Sample s : samples) {
      if (s.name().endsWith("_total")) {
        b.append(s).append('\n');
      }
    }
    return b.toString();
  }
}
