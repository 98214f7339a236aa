package dev.lattice.control.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A Kubernetes label selector: {@code matchLabels} and {@code matchExpressions}, ANDed; empty selects all. */
public record LabelSelector(Map<String, String> matchLabels, List<Expression> matchExpressions) {
  public static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

  public LabelSelector {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return matchExpressions.stream().allMatch(x -> x.matches(labels));
  }

  /** {@code key operator values}; operator is In, NotIn, Exists or DoesNotExist. */
  public record Expression(String key, String operator, Set<String> values) {
    public static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    public Expression {
      values = Set.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case "In" -> v != null && values.contains(v);
        case "NotIn" -> v == null || !values.contains(v);
        case "Exists" -> v != null;
        case "DoesNotExist" -> v == null;
        default -> false;
      };
    }
  }
}
