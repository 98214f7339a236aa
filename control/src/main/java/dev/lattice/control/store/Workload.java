package dev.lattice.control.store;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A workload, the local mesh's pod: one or more containers sharing an address. {@code ip} is null until
 * the workload runs; it serves traffic only while {@code ready}. A workload is meshed when it carries
 * the {@value MeshKeys#CONTROL_PLANE_NS_LABEL} label, as an injected pod does.
 *
 * <p>{@code inherited} is what the store recorded, when it created the workload, of its namespace's
 * {@link MeshKeys#INHERITED_AT_CREATION} annotations (spec/policy.md §1.2: the injector copies them onto
 * the pod then, and later namespace edits do not reach it). An empty map records that the namespace had
 * none; {@code null} means nothing was recorded (a caller's record before the store took it, or state
 * written before the store recorded this). Its own {@code annotations} take precedence over it.
 */
public record Workload(
    String name,
    String namespace,
    String serviceAccount,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<Container> containers,
    InetAddress ip,
    boolean ready,
    Map<String, String> inherited)
    implements Resource {

  public Workload {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    serviceAccount = serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount;
    labels = Maps.sortedCopy(labels);
    annotations = Maps.sortedCopy(annotations);
    containers = Maps.copy(containers);
    inherited = inherited == null ? null : Maps.sortedCopy(inherited);
  }

  /** A workload as a caller describes it, before the store records what it inherits. */
  public Workload(
      String name, String namespace, String serviceAccount, Map<String, String> labels,
      Map<String, String> annotations, List<Container> containers, InetAddress ip, boolean ready) {
    this(name, namespace, serviceAccount, labels, annotations, containers, ip, ready, null);
  }

  @Override
  public ResourceRef ref() {
    return new ResourceRef(Kind.WORKLOAD, namespace, name);
  }

  /** Every port every container declares, in declaration order. */
  public List<ContainerPort> ports() {
    return containers.stream().flatMap(c -> c.ports().stream()).toList();
  }

  /** The port named {@code name}, as a Service's named {@code targetPort} refers to it. */
  public Optional<ContainerPort> port(String name) {
    return ports().stream().filter(p -> name.equals(p.name())).findFirst();
  }

  /** The control plane this workload's proxy belongs to, if it is meshed. */
  public Optional<String> controlPlaneNamespace() {
    return Optional.ofNullable(labels.get(MeshKeys.CONTROL_PLANE_NS_LABEL)).filter(s -> !s.isEmpty());
  }

  public boolean meshed() {
    return controlPlaneNamespace().isPresent();
  }

  public Workload withStatus(InetAddress newIp, boolean newReady) {
    return new Workload(
        name, namespace, serviceAccount, labels, annotations, containers, newIp, newReady, inherited);
  }

  public Workload withLabels(Map<String, String> newLabels) {
    return new Workload(name, namespace, serviceAccount, newLabels, annotations, containers, ip, ready, inherited);
  }

  public Workload withAnnotations(Map<String, String> newAnnotations) {
    return new Workload(name, namespace, serviceAccount, labels, newAnnotations, containers, ip, ready, inherited);
  }

  /** This workload with {@code recorded} as what it inherited at creation ({@code null}: unknown). */
  public Workload withInherited(Map<String, String> recorded) {
    return new Workload(name, namespace, serviceAccount, labels, annotations, containers, ip, ready, recorded);
  }

  /** A process of the workload: what to run, with what environment, listening where. */
  public record Container(
      String name, String image, List<String> command, List<String> args, List<EnvVar> env,
      List<ContainerPort> ports, List<HttpProbe> probes) {
    public Container {
      Objects.requireNonNull(name, "name");
      image = image == null ? "" : image;
      command = Maps.copy(command);
      args = Maps.copy(args);
      env = Maps.copy(env);
      ports = Maps.copy(ports);
      probes = Maps.copy(probes);
    }

    /** A container without HTTP probes. */
    public Container(
        String name, String image, List<String> command, List<String> args, List<EnvVar> env,
        List<ContainerPort> ports) {
      this(name, image, command, args, env, ports, List.of());
    }

    public static Container of(String name, ContainerPort... ports) {
      return new Container(name, "", List.of(), List.of(), List.of(), List.of(ports));
    }
  }

  /** A literal environment variable; references to other objects ({@code valueFrom}) are not modelled. */
  public record EnvVar(String name, String value) {
    public EnvVar {
      Objects.requireNonNull(name, "name");
      value = value == null ? "" : value;
    }
  }

  /**
   * An {@code httpGet} liveness, readiness or startup probe: inbound policy authorizes its path
   * (spec/policy.md §1.12.2). {@code port} is a number or the name of one of the container's ports;
   * {@code path} is as written ({@code null} means {@code /}).
   */
  public record HttpProbe(ProbeKind kind, String port, String path) {
    public HttpProbe {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(port, "port");
    }

    /** A liveness probe; kept for callers written before probes had a kind. */
    public HttpProbe(String port, String path) {
      this(ProbeKind.LIVENESS, port, path);
    }
  }

  /** Which of a container's probe fields an {@link HttpProbe} came from; a container has at most one of each. */
  public enum ProbeKind {
    LIVENESS("livenessProbe"),
    READINESS("readinessProbe"),
    STARTUP("startupProbe");

    private final String field;

    ProbeKind(String field) {
      this.field = field;
    }

    /** The container field, e.g. {@code readinessProbe}. */
    public String field() {
      return field;
    }

    /** {@code liveness}, {@code readiness} or {@code startup}, as people say it. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A port a container listens on. {@code name} may be empty. */
  public record ContainerPort(String name, int number, Protocol protocol) {
    public ContainerPort {
      name = name == null ? "" : name;
      protocol = protocol == null ? Protocol.TCP : protocol;
    }

    public static ContainerPort tcp(String name, int number) {
      return new ContainerPort(name, number, Protocol.TCP);
    }
  }
}
