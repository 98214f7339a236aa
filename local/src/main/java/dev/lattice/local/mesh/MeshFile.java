package dev.lattice.local.mesh;

import dev.lattice.api.LogFilter;
import dev.lattice.control.policy.PolicyIndex;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.local.netns.Cidr;
import dev.lattice.policy.DefaultPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@code mesh.yaml}: the workloads and services of a local mesh (format in docs/local-mesh.md).
 * Unknown keys are errors, so a typo is reported instead of silently ignored; every problem of the
 * file is reported at once, each naming its field.
 */
public final class MeshFile {
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Set<String> TOP = Set.of("network", "serviceNetwork", "workloads", "services");
  private static final Set<String> WORKLOAD = Set.of("name", "namespace", "serviceAccount", "meshed", "ports",
      "labels", "command", "env", "annotations");
  private static final Set<String> SERVICE = Set.of("name", "namespace", "selector", "ports");
  private static final Set<String> SERVICE_PORT = Set.of("name", "port", "targetPort");

  private MeshFile() {}

  public static MeshSpec read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** @throws IllegalArgumentException listing every problem */
  public static MeshSpec parse(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a mapping with workloads: and services:");
    }
    unknownKeys(root, "", TOP, problems);
    Cidr network = cidr(root, "network", MeshSpec.DEFAULT_NETWORK, problems);
    Cidr serviceNetwork = cidr(root, "serviceNetwork", MeshSpec.DEFAULT_SERVICE_NETWORK, problems);
    List<WorkloadSpec> workloads = new ArrayList<>();
    List<JsonNode> items = list(root, "workloads", "workloads", problems);
    for (int i = 0; i < items.size(); i++) {
      workloads.add(workload(items.get(i), "workloads[" + i + "]", problems));
    }
    List<ServiceSpec> services = new ArrayList<>();
    items = list(root, "services", "services", problems);
    for (int i = 0; i < items.size(); i++) {
      services.add(service(items.get(i), "services[" + i + "]", problems));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.size() == 1 ? problems.getFirst()
          : problems.size() + " problems:\n  " + String.join("\n  ", problems));
    }
    return new MeshSpec(network, serviceNetwork, workloads, services);
  }

  private static WorkloadSpec workload(JsonNode node, String at, List<String> problems) {
    if (!node.isObject()) {
      problems.add(at + ": expected a mapping with name, command, ...");
      return null;
    }
    unknownKeys(node, at + ".", WORKLOAD, problems);
    String name = string(node, "name", at, null, problems);
    if (name == null) {
      problems.add(at + ".name: required");
      name = "";
    }
    String namespace = string(node, "namespace", at, "default", problems);
    String account = string(node, "serviceAccount", at, name, problems);
    boolean meshed = true;
    if (node.has("meshed")) {
      if (node.get("meshed").isBoolean()) {
        meshed = node.get("meshed").booleanValue();
      } else {
        problems.add(at + ".meshed: expected true or false, got " + node.get("meshed"));
      }
    }
    List<Integer> ports = new ArrayList<>();
    for (JsonNode p : list(node, "ports", at + ".ports", problems)) {
      if (p.isInt()) {
        ports.add(p.intValue());
      } else {
        problems.add(at + ".ports: expected port numbers, got " + p);
      }
    }
    Map<String, String> labels = stringMap(node, "labels", at, problems);
    if (!node.has("labels")) {
      labels = Map.of("app", name);
    }
    List<String> command = new ArrayList<>();
    for (JsonNode c : list(node, "command", at + ".command", problems)) {
      if (c.isValueNode()) {
        command.add(c.asString());
      } else {
        problems.add(at + ".command: expected a list of strings, got " + c);
      }
    }
    Map<String, String> env = stringMap(node, "env", at, problems);
    Map<String, String> annotations = stringMap(node, "annotations", at, problems);
    String defaultPolicy = annotations.get(PolicyIndex.DEFAULT_POLICY_KEY);
    if (defaultPolicy != null && DefaultPolicy.parse(defaultPolicy).isEmpty()) {
      // Linkerd's injector would warn and run the cluster default; a local file can simply be fixed.
      problems.add(at + ".annotations." + PolicyIndex.DEFAULT_POLICY_KEY + ": invalid value \"" + defaultPolicy
          + "\" (expected one of " + DefaultPolicy.spellings() + ")");
    }
    String logLevel = annotations.get(MeshKeys.PROXY_LOG_LEVEL);
    if (logLevel != null) {
      try {
        LogFilter.parse(logLevel);
      } catch (IllegalArgumentException e) {
        problems.add(at + ".annotations." + MeshKeys.PROXY_LOG_LEVEL + ": " + e.getMessage());
      }
    }
    return new WorkloadSpec(name, namespace == null ? "default" : namespace, account == null ? name : account,
        meshed, ports, labels, command, env, annotations);
  }

  private static ServiceSpec service(JsonNode node, String at, List<String> problems) {
    if (!node.isObject()) {
      problems.add(at + ": expected a mapping with name, selector, ports");
      return null;
    }
    unknownKeys(node, at + ".", SERVICE, problems);
    String name = string(node, "name", at, null, problems);
    if (name == null) {
      problems.add(at + ".name: required");
      name = "";
    }
    String namespace = string(node, "namespace", at, "default", problems);
    Map<String, String> selector = stringMap(node, "selector", at, problems);
    List<ServiceSpec.Port> ports = new ArrayList<>();
    List<JsonNode> items = list(node, "ports", at + ".ports", problems);
    for (int i = 0; i < items.size(); i++) {
      JsonNode p = items.get(i);
      String pat = at + ".ports[" + i + "]";
      if (p.isInt()) {
        ports.add(new ServiceSpec.Port("", p.intValue(), p.intValue()));
        continue;
      }
      if (!p.isObject()) {
        problems.add(pat + ": expected a port number or {port, targetPort, name}");
        continue;
      }
      unknownKeys(p, pat + ".", SERVICE_PORT, problems);
      if (!p.path("port").isInt()) {
        problems.add(pat + ".port: required, a number");
        continue;
      }
      int port = p.get("port").intValue();
      int target = port;
      if (p.has("targetPort")) {
        if (p.get("targetPort").isInt()) {
          target = p.get("targetPort").intValue();
        } else {
          problems.add(pat + ".targetPort: expected a number, got " + p.get("targetPort"));
        }
      }
      ports.add(new ServiceSpec.Port(string(p, "name", pat, "", problems), port, target));
    }
    return new ServiceSpec(name, namespace == null ? "default" : namespace, selector, ports);
  }

  private static Cidr cidr(JsonNode node, String field, Cidr fallback, List<String> problems) {
    if (!node.has(field)) {
      return fallback;
    }
    try {
      return Cidr.parse(node.get(field).asString());
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
      return fallback;
    }
  }

  private static String string(JsonNode node, String field, String at, String fallback, List<String> problems) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isString()) {
      problems.add(at + "." + field + ": expected a string, got " + value);
      return fallback;
    }
    return value.asString();
  }

  private static List<JsonNode> list(JsonNode node, String field, String at, List<String> problems) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      problems.add(at + ": expected a list, got " + value);
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    value.forEach(out::add);
    return out;
  }

  private static Map<String, String> stringMap(JsonNode node, String field, String at, List<String> problems) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      problems.add(at + "." + field + ": expected a mapping of strings, got " + value);
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : value.properties()) {
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asString());
      } else {
        problems.add(at + "." + field + "." + e.getKey() + ": expected a string, got " + e.getValue());
      }
    }
    return out;
  }

  private static void unknownKeys(JsonNode node, String prefix, Set<String> known, List<String> problems) {
    for (String key : node.propertyNames()) {
      if (!known.contains(key)) {
        problems.add(prefix + key + ": unknown field (expected one of " + known.stream().sorted().toList() + ")");
      }
    }
  }
}
