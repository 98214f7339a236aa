package dev.lattice.control.policy.api;

import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workload a proxy asks about: {@code PortSpec.workload}, the value of {@code
 * LINKERD2_PROXY_POLICY_WORKLOAD}.
 */
public record WorkloadRef(String namespace, String pod) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  public WorkloadRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pod, "pod");
  }

  /**
   * Parses {@code {"ns":"<namespace>","pod":"<pod>"}}, or the legacy {@code <namespace>:<pod>}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static WorkloadRef parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("workload is empty (expected {\"ns\":\"<namespace>\",\"pod\":\"<pod>\"})");
    }
    if (s.startsWith("{")) {
      JsonNode node;
      try {
        node = JSON.readTree(s);
      } catch (JacksonException e) {
        throw new IllegalArgumentException("workload is not valid JSON: " + e.getOriginalMessage());
      }
      return of(text(node, "ns"), text(node, "pod"), text);
    }
    int colon = s.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("workload '" + text
          + "' is neither JSON {\"ns\":\"<namespace>\",\"pod\":\"<pod>\"} nor <namespace>:<pod>");
    }
    return of(s.substring(0, colon), s.substring(colon + 1), text);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isString() ? value.asString() : "";
  }

  private static WorkloadRef of(String namespace, String pod, String text) {
    if (namespace.isEmpty() || pod.isEmpty()) {
      throw new IllegalArgumentException("workload '" + text + "' must name both a namespace (ns) and a pod");
    }
    return new WorkloadRef(namespace, pod);
  }

  /** The JSON form a proxy sends. */
  public String json() {
    return "{\"ns\":\"" + namespace + "\",\"pod\":\"" + pod + "\"}";
  }

  @Override
  public String toString() {
    return namespace + "/" + pod;
  }
}
