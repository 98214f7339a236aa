package dev.lattice.control.store;

import dev.lattice.control.store.Service.ServicePort;
import dev.lattice.control.store.Service.TargetPort;
import dev.lattice.control.store.Workload.Container;
import dev.lattice.control.store.Workload.ContainerPort;
import dev.lattice.control.store.Workload.EnvVar;
import dev.lattice.control.store.Workload.HttpProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;

/**
 * Reads the YAML a user would {@code kubectl apply} — v1 Namespace, ServiceAccount, Pod and Service,
 * and the inbound policy kinds ({@link PolicyResource}), several documents per file, or a v1 List —
 * into records. Either every object is valid and all are
 * returned, or {@link InvalidResourceException} lists every problem of the file.
 *
 * <p>Fields the model does not use (image pull policy, resources, exec probes, …) are ignored, as a
 * lenient API client would; fields it uses must have the right type.
 */
public final class ManifestParser {
  private static final String SUPPORTED =
      Arrays.stream(Kind.values()).map(Kind::manifestKind).distinct().collect(Collectors.joining(", "));

  /**
   * The Pod status field where the store records what a workload inherited from its namespace when it
   * was created ({@link Workload#inherited()}); absent in state written before it was recorded.
   */
  static final String INHERITED_ANNOTATIONS = "inheritedAnnotations";

  private ManifestParser() {}

  public static List<Resource> parse(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /**
   * @throws InvalidResourceException listing every problem in the text
   */
  public static List<Resource> parse(String yaml) {
    Problems problems = new Problems();
    List<Resource> resources = new ArrayList<>();
    List<Problems.Scope> scopes = new ArrayList<>();
    int document = 0;
    try (MappingIterator<JsonNode> docs = Yaml.MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        document++;
        JsonNode doc = docs.next();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        object(doc, "document " + document, problems, resources, scopes);
      }
    } catch (JacksonException e) {
      problems
          .about("document " + Math.max(document, 1))
          .add("YAML", e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
    }
    List<ResourceRef> refs = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      Problems.Scope scope = scopes.get(i);
      int earlier = refs.indexOf(r.ref());
      if (earlier >= 0) {
        scope.add("metadata.name", "the file lists " + r.ref().qualified() + " more than once");
      }
      refs.add(r.ref());
      ResourceValidator.check(r, scope);
    }
    problems.throwIfAny();
    return List.copyOf(resources);
  }

  private static void object(
      JsonNode doc, String where, Problems problems, List<Resource> out, List<Problems.Scope> scopes) {
    Problems.Scope p = problems.about(where);
    if (!doc.isObject()) {
      p.add("(root)", "must be a mapping with apiVersion, kind and metadata, got " + type(doc));
      return;
    }
    Fields f = new Fields(p);
    String kindName = f.string(doc, "kind");
    String apiVersion = f.string(doc, "apiVersion");
    if (kindName == null) {
      f.required("kind");
      return;
    }
    if (kindName.equals("List")) {
      JsonNode items = doc.get("items");
      if (items == null || !items.isArray()) {
        p.add("items", "a List needs an items sequence");
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        object(items.get(i), where + " items[" + i + "]", problems, out, scopes);
      }
      return;
    }
    Kind kind = Kind.ofManifest(apiVersion, kindName).orElse(null);
    if (kind == null) {
      p.add("kind", kindName + " is not supported (supported: " + SUPPORTED + ")");
      return;
    }
    String name = f.string(doc.path("metadata"), "metadata.name");
    p.rename(name == null || name.isEmpty() ? kind.manifestKind() + " (" + where + ")" : kind.manifestKind() + "/" + name);
    if (apiVersion == null) {
      f.required("apiVersion");
    } else if (!kind.apiVersions().contains(apiVersion)) {
      p.add("apiVersion", "must be " + String.join(" or ", kind.apiVersions()) + " for " + kind.manifestKind()
          + ", got " + apiVersion);
    }
    if (!doc.path("metadata").isObject()) {
      p.add("metadata", "required");
      return;
    }
    if (name == null) {
      f.required("metadata.name");
      return;
    }
    Meta meta = meta(doc.get("metadata"), kind, name, f);
    Resource resource =
        switch (kind) {
          case NAMESPACE -> new Namespace(name, meta.labels, meta.annotations);
          case SERVICE_ACCOUNT -> new ServiceAccount(name, meta.namespace, meta.labels, meta.annotations);
          case WORKLOAD -> pod(doc, meta, f);
          case SERVICE -> service(doc, meta, f);
          case SERVER, SERVER_AUTHORIZATION, AUTHORIZATION_POLICY, MESH_TLS_AUTHENTICATION,
              NETWORK_AUTHENTICATION, HTTP_ROUTE, GATEWAY_HTTP_ROUTE, GRPC_ROUTE ->
              new PolicyResource(kind, apiVersion == null ? kind.apiVersions().getLast() : apiVersion, meta.namespace,
                  name, meta.labels, meta.annotations, f.timestamp(doc.get("metadata"), "metadata.creationTimestamp"),
                  doc.get("spec"));
        };
    out.add(resource);
    scopes.add(p);
  }

  private record Meta(
      String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

  private static Meta meta(JsonNode metadata, Kind kind, String name, Fields f) {
    String namespace = f.string(metadata, "metadata.namespace");
    if (!kind.namespaced()) {
      if (namespace != null && !namespace.isEmpty()) {
        f.p.add("metadata.namespace", kind.manifestKind() + " is cluster-scoped and has no namespace");
      }
      namespace = "";
    } else if (namespace == null || namespace.isEmpty()) {
      // kubectl's default when neither the manifest nor the context names one.
      namespace = "default";
    }
    return new Meta(
        name,
        namespace,
        f.stringMap(metadata, "metadata.labels"),
        f.stringMap(metadata, "metadata.annotations"));
  }

  private static Workload pod(JsonNode doc, Meta meta, Fields f) {
    JsonNode spec = doc.path("spec");
    if (!spec.isObject()) {
      f.required("spec");
    }
    String serviceAccount = f.string(spec, "spec.serviceAccountName");
    if (serviceAccount == null) {
      serviceAccount = f.string(spec, "spec.serviceAccount"); // deprecated alias, still accepted
    }
    List<Container> containers = new ArrayList<>();
    List<JsonNode> containerNodes = f.list(spec, "spec.containers");
    for (int i = 0; i < containerNodes.size(); i++) {
      containers.add(container(containerNodes.get(i), "spec.containers[" + i + "]", f));
    }
    JsonNode status = doc.path("status");
    InetAddress ip = f.ip(status, "status.podIP");
    boolean ready = false;
    List<JsonNode> conditions = f.list(status, "status.conditions");
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode condition = conditions.get(i);
      String path = "status.conditions[" + i + "]";
      if ("Ready".equals(f.string(condition, path + ".type"))) {
        ready = "True".equals(f.string(condition, path + ".status"));
      }
    }
    Map<String, String> inherited = status.hasNonNull(INHERITED_ANNOTATIONS)
        ? f.stringMap(status, "status." + INHERITED_ANNOTATIONS) : null;
    return new Workload(
        meta.name, meta.namespace, serviceAccount, meta.labels, meta.annotations, containers, ip, ready, inherited);
  }

  private static Container container(JsonNode node, String path, Fields f) {
    String name = f.string(node, path + ".name");
    if (name == null) {
      f.required(path + ".name");
      name = "";
    }
    List<EnvVar> env = new ArrayList<>();
    List<JsonNode> envNodes = f.list(node, path + ".env");
    for (int i = 0; i < envNodes.size(); i++) {
      JsonNode e = envNodes.get(i);
      String envPath = path + ".env[" + i + "]";
      if (e.has("valueFrom")) {
        f.p.add(envPath + ".valueFrom", "not supported: give a literal value");
      }
      String envName = f.string(e, envPath + ".name");
      env.add(new EnvVar(envName == null ? "" : envName, f.string(e, envPath + ".value")));
    }
    List<ContainerPort> ports = new ArrayList<>();
    List<JsonNode> portNodes = f.list(node, path + ".ports");
    for (int i = 0; i < portNodes.size(); i++) {
      JsonNode port = portNodes.get(i);
      String portPath = path + ".ports[" + i + "]";
      Integer number = f.integer(port, portPath + ".containerPort");
      if (number == null) {
        f.required(portPath + ".containerPort");
      }
      ports.add(
          new ContainerPort(
              f.string(port, portPath + ".name"),
              number == null ? 0 : number,
              f.protocol(port, portPath + ".protocol")));
    }
    List<HttpProbe> probes = new ArrayList<>();
    for (Workload.ProbeKind kind : Workload.ProbeKind.values()) {
      String probe = kind.field();
      JsonNode httpGet = node.path(probe).path("httpGet");
      if (httpGet.isObject()) {
        String probePath = path + "." + probe + ".httpGet";
        JsonNode port = httpGet.get("port");
        String portText = port == null || port.isNull() ? null
            : port.isIntegralNumber() ? String.valueOf(port.intValue()) : port.isString() ? port.stringValue() : null;
        if (portText == null) {
          f.p.add(probePath + ".port", "required: a port number or a container port name");
          continue;
        }
        probes.add(new HttpProbe(kind, portText, f.string(httpGet, probePath + ".path")));
      }
    }
    return new Container(
        name,
        f.string(node, path + ".image"),
        f.stringList(node, path + ".command"),
        f.stringList(node, path + ".args"),
        env,
        ports,
        probes);
  }

  private static Service service(JsonNode doc, Meta meta, Fields f) {
    JsonNode spec = doc.path("spec");
    if (!spec.isObject()) {
      f.required("spec");
    }
    List<ServicePort> ports = new ArrayList<>();
    List<JsonNode> portNodes = f.list(spec, "spec.ports");
    for (int i = 0; i < portNodes.size(); i++) {
      JsonNode port = portNodes.get(i);
      String path = "spec.ports[" + i + "]";
      Integer number = f.integer(port, path + ".port");
      if (number == null) {
        f.required(path + ".port");
      }
      ports.add(
          new ServicePort(
              f.string(port, path + ".name"),
              number == null ? 0 : number,
              f.protocol(port, path + ".protocol"),
              targetPort(port, path + ".targetPort", f)));
    }
    String clusterIp = f.string(spec, "spec.clusterIP");
    boolean headless = "None".equals(clusterIp);
    InetAddress ip = headless ? null : f.ip(spec, "spec.clusterIP");
    return new Service(
        meta.name,
        meta.namespace,
        meta.labels,
        meta.annotations,
        f.stringMap(spec, "spec.selector"),
        ports,
        ip,
        headless);
  }

  private static TargetPort targetPort(JsonNode port, String path, Fields f) {
    JsonNode node = port.get("targetPort");
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      return new TargetPort.Number(node.intValue());
    }
    if (node.isString()) {
      String text = node.stringValue();
      // The API server accepts "8080" and means the number.
      return text.chars().allMatch(Character::isDigit) && !text.isEmpty() && text.length() <= 5
          ? new TargetPort.Number(Integer.parseInt(text))
          : new TargetPort.Named(text);
    }
    f.p.add(path, "must be a port number or a port name, got " + type(node));
    return null;
  }

  private static String type(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "string '" + node.stringValue() + "'";
      case NUMBER -> "number " + node;
      case BOOLEAN -> "boolean " + node;
      case ARRAY -> "a sequence";
      case OBJECT -> "a mapping";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }

  /** Typed reads of one object's fields; each wrong type becomes a problem at its path. */
  private record Fields(Problems.Scope p) {
    void required(String path) {
      p.add(path, "required");
    }

    /** The value at the last segment of {@code path} under {@code parent}, or null if absent. */
    private static JsonNode at(JsonNode parent, String path) {
      if (parent == null || !parent.isObject()) {
        return null;
      }
      String field = path.substring(path.lastIndexOf('.') + 1);
      JsonNode node = parent.get(field);
      return node == null || node.isNull() ? null : node;
    }

    String string(JsonNode parent, String path) {
      JsonNode node = at(parent, path);
      if (node == null) {
        return null;
      }
      if (!node.isString()) {
        p.add(path, "must be a string, got " + type(node));
        return null;
      }
      return node.stringValue();
    }

    Integer integer(JsonNode parent, String path) {
      JsonNode node = at(parent, path);
      if (node == null) {
        return null;
      }
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        p.add(path, "must be an integer, got " + type(node));
        return null;
      }
      return node.intValue();
    }

    List<JsonNode> list(JsonNode parent, String path) {
      JsonNode node = at(parent, path);
      if (node == null) {
        return List.of();
      }
      if (!node.isArray()) {
        p.add(path, "must be a sequence, got " + type(node));
        return List.of();
      }
      List<JsonNode> items = new ArrayList<>();
      node.forEach(items::add);
      return items;
    }

    List<String> stringList(JsonNode parent, String path) {
      List<JsonNode> nodes = list(parent, path);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        JsonNode node = nodes.get(i);
        if (node.isString()) {
          out.add(node.stringValue());
        } else {
          p.add(path + "[" + i + "]", "must be a string, got " + type(node) + " (quote it)");
        }
      }
      return out;
    }

    Map<String, String> stringMap(JsonNode parent, String path) {
      JsonNode node = at(parent, path);
      if (node == null) {
        return Map.of();
      }
      if (!node.isObject()) {
        p.add(path, "must be a mapping, got " + type(node));
        return Map.of();
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getValue().isString()) {
          out.put(e.getKey(), e.getValue().stringValue());
        } else {
          p.add(path + "[" + e.getKey() + "]", "must be a string, got " + type(e.getValue()) + " (quote it)");
        }
      }
      return out;
    }

    Protocol protocol(JsonNode parent, String path) {
      String text = string(parent, path);
      if (text == null) {
        return Protocol.TCP;
      }
      try {
        return Protocol.valueOf(text);
      } catch (IllegalArgumentException e) {
        p.add(path, "must be TCP, UDP or SCTP, got '" + text + "'");
        return Protocol.TCP;
      }
    }

    java.time.Instant timestamp(JsonNode parent, String path) {
      String text = string(parent, path);
      if (text == null || text.isEmpty()) {
        return null;
      }
      try {
        return java.time.Instant.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        p.add(path, "must be an RFC 3339 time such as 2026-01-02T03:04:05Z, got '" + text + "'");
        return null;
      }
    }

    InetAddress ip(JsonNode parent, String path) {
      String text = string(parent, path);
      if (text == null || text.isEmpty()) {
        return null;
      }
      try {
        // ofLiteral never resolves names: a manifest must not make us do DNS.
        return InetAddress.ofLiteral(text);
      } catch (IllegalArgumentException e) {
        p.add(path, "must be an IP address, got '" + text + "'");
        return null;
      }
    }
  }
}
