package dev.lattice.control.store;

import dev.lattice.control.store.Service.ServicePort;
import dev.lattice.control.store.Service.TargetPort;
import dev.lattice.control.store.Workload.Container;
import dev.lattice.control.store.Workload.ContainerPort;
import dev.lattice.control.store.Workload.EnvVar;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes records back as the manifests {@link ManifestParser} reads, so that a stored object reads
 * back equal to the record that was stored. Empty fields are left out to keep files short.
 */
public final class ManifestWriter {
  private ManifestWriter() {}

  public static String write(Resource resource) {
    return Yaml.MAPPER.writeValueAsString(tree(resource));
  }

  /** Several objects as one multi-document file. */
  public static String write(Collection<? extends Resource> resources) {
    return resources.stream().map(r -> "---\n" + write(r)).collect(Collectors.joining());
  }

  private static ObjectNode tree(Resource resource) {
    ObjectNode root = Yaml.MAPPER.createObjectNode();
    root.put("apiVersion", resource instanceof PolicyResource pr ? pr.apiVersion() : "v1");
    root.put("kind", resource.kind().manifestKind());
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", resource.ref().name());
    if (resource.kind().namespaced()) {
      metadata.put("namespace", resource.ref().namespace());
    }
    if (resource instanceof PolicyResource pr && pr.created() != null) {
      metadata.put("creationTimestamp", pr.created().toString());
    }
    putMap(metadata, "labels", resource.labels());
    putMap(metadata, "annotations", resource.annotations());
    switch (resource) {
      case Namespace ns -> {}
      case ServiceAccount sa -> {}
      case Workload w -> pod(root, w);
      case Service s -> service(root, s);
      case PolicyResource pr -> {
        if (!pr.spec().isMissingNode()) {
          root.set("spec", pr.spec());
        }
      }
    }
    return root;
  }

  private static void pod(ObjectNode root, Workload w) {
    ObjectNode spec = root.putObject("spec");
    spec.put("serviceAccountName", w.serviceAccount());
    ArrayNode containers = spec.putArray("containers");
    for (Container c : w.containers()) {
      ObjectNode container = containers.addObject();
      container.put("name", c.name());
      if (!c.image().isEmpty()) {
        container.put("image", c.image());
      }
      putList(container, "command", c.command());
      putList(container, "args", c.args());
      if (!c.env().isEmpty()) {
        ArrayNode env = container.putArray("env");
        for (EnvVar e : c.env()) {
          env.addObject().put("name", e.name()).put("value", e.value());
        }
      }
      if (!c.ports().isEmpty()) {
        ArrayNode ports = container.putArray("ports");
        for (ContainerPort p : c.ports()) {
          ObjectNode port = ports.addObject();
          if (!p.name().isEmpty()) {
            port.put("name", p.name());
          }
          port.put("containerPort", p.number());
          port.put("protocol", p.protocol().name());
        }
      }
      // A container has at most one httpGet probe of each kind; each goes back under its own field.
      for (Workload.HttpProbe probe : c.probes()) {
        ObjectNode httpGet = container.putObject(probe.kind().field()).putObject("httpGet");
        if (probe.path() != null) {
          httpGet.put("path", probe.path());
        }
        if (probe.port().chars().allMatch(Character::isDigit)) {
          httpGet.put("port", Integer.parseInt(probe.port()));
        } else {
          httpGet.put("port", probe.port());
        }
      }
    }
    if (w.ip() != null || w.ready() || w.inherited() != null) {
      ObjectNode status = root.putObject("status");
      if (w.ip() != null) {
        status.put("podIP", w.ip().getHostAddress());
      }
      if (w.ip() != null || w.ready()) {
        status.putArray("conditions")
            .addObject()
            .put("type", "Ready")
            .put("status", w.ready() ? "True" : "False");
      }
      if (w.inherited() != null) {
        // Written even when empty: "the namespace had none" differs from "not recorded".
        ObjectNode inherited = status.putObject(ManifestParser.INHERITED_ANNOTATIONS);
        w.inherited().forEach(inherited::put);
      }
    }
  }

  private static void service(ObjectNode root, Service s) {
    ObjectNode spec = root.putObject("spec");
    putMap(spec, "selector", s.selector());
    ArrayNode ports = spec.putArray("ports");
    for (ServicePort p : s.ports()) {
      ObjectNode port = ports.addObject();
      if (!p.name().isEmpty()) {
        port.put("name", p.name());
      }
      port.put("port", p.port());
      port.put("protocol", p.protocol().name());
      switch (p.targetPort()) {
        case TargetPort.Number n -> port.put("targetPort", n.port());
        case TargetPort.Named n -> port.put("targetPort", n.name());
      }
    }
    if (s.headless()) {
      spec.put("clusterIP", "None");
    } else if (s.clusterIp() != null) {
      spec.put("clusterIP", address(s.clusterIp()));
    }
  }

  private static String address(InetAddress ip) {
    return ip.getHostAddress();
  }

  private static void putMap(ObjectNode parent, String field, Map<String, String> map) {
    if (!map.isEmpty()) {
      ObjectNode node = parent.putObject(field);
      map.forEach(node::put);
    }
  }

  private static void putList(ObjectNode parent, String field, List<String> list) {
    if (!list.isEmpty()) {
      ArrayNode node = parent.putArray(field);
      list.forEach(node::add);
    }
  }
}
