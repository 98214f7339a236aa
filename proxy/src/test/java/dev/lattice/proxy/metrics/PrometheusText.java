package dev.lattice.proxy.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser for the Prometheus text format (0.0.4), for tests that assert on named series
 * rather than on a text dump. Throws on any line a Prometheus server would reject.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) (" + NAME.pattern() + ") (.*)");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;
  private final Map<String, String> helps;

  private PrometheusText(List<Sample> samples, Map<String, String> types, Map<String, String> helps) {
    this.samples = samples;
    this.types = types;
    this.helps = helps;
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    Map<String, String> helps = new HashMap<>();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("exposition must end with a newline");
    }
    int lineNumber = 0;
    for (String line : text.split("\n")) {
      lineNumber++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher m = COMMENT.matcher(line);
        if (m.matches()) {
          Map<String, String> target = m.group(1).equals("TYPE") ? types : helps;
          if (target.put(m.group(2), m.group(3)) != null) {
            throw new IllegalArgumentException("line " + lineNumber + ": second " + m.group(1) + " for " + m.group(2));
          }
          if (m.group(1).equals("TYPE") && !List.of("counter", "gauge", "histogram", "summary", "untyped")
              .contains(m.group(3))) {
            throw new IllegalArgumentException("line " + lineNumber + ": unknown type " + m.group(3));
          }
        }
        continue;
      }
      try {
        samples.add(parseSample(line));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + lineNumber + " '" + line + "': " + e.getMessage(), e);
      }
    }
    return new PrometheusText(List.copyOf(samples), types, helps);
  }

  public List<Sample> samples() {
    return samples;
  }

  /** Every sample named exactly {@code name}. */
  public List<Sample> series(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The value of the sample with exactly these labels ({@code "name", "value", ...}). */
  public OptionalDouble value(String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return series(name).stream()
        .filter(s -> s.labels().equals(wanted))
        .mapToDouble(Sample::value)
        .findFirst();
  }

  public Optional<String> type(String family) {
    return Optional.ofNullable(types.get(family));
  }

  public Optional<String> help(String family) {
    return Optional.ofNullable(helps.get(family));
  }

  private static Sample parseSample(String line) {
    Matcher name = NAME.matcher(line);
    if (!name.lookingAt()) {
      throw new IllegalArgumentException("no metric name");
    }
    int i = name.end();
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        Matcher labelName = LABEL_NAME.matcher(line).region(i, line.length());
        if (!labelName.lookingAt()) {
          throw new IllegalArgumentException("bad label name at " + i);
        }
        i = labelName.end();
        if (line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
          throw new IllegalArgumentException("expected =\" at " + i);
        }
        i += 2;
        StringBuilder value = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i);
          if (c == '\\') {
            char next = line.charAt(++i);
            switch (next) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException("bad escape \\" + next);
            }
          } else {
            value.append(c);
          }
          i++;
        }
        i++;
        if (labels.put(labelName.group(), value.toString()) != null) {
          throw new IllegalArgumentException("duplicate label " + labelName.group());
        }
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected , or } at " + i);
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) {
      throw new IllegalArgumentException("trailing text after value and timestamp");
    }
    double value = switch (rest[0]) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(rest[0]);
    };
    return new Sample(name.group(), Map.copyOf(labels), value);
  }
}
