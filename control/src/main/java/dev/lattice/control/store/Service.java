package dev.lattice.control.store;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A service: a stable name (and, in the local mesh, a virtual IP) in front of the workloads its
 * {@code selector} picks. An empty selector selects nothing: endpoints for such services would come
 * from manually managed Endpoints objects, which the model does not have.
 *
 * @param clusterIp the virtual IP, or null when none is assigned yet or the service is headless
 */
public record Service(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    Map<String, String> selector,
    List<ServicePort> ports,
    InetAddress clusterIp,
    boolean headless)
    implements Resource {

  public Service {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    labels = Maps.sortedCopy(labels);
    annotations = Maps.sortedCopy(annotations);
    selector = Maps.sortedCopy(selector);
    ports = Maps.copy(ports);
    if (headless && clusterIp != null) {
      throw new IllegalArgumentException(
          "Service/" + name + ": headless (clusterIP None) but has clusterIp " + clusterIp);
    }
  }

  @Override
  public ResourceRef ref() {
    return new ResourceRef(Kind.SERVICE, namespace, name);
  }

  public Optional<ServicePort> port(int number) {
    return ports.stream().filter(p -> p.port() == number).findFirst();
  }

  /** Whether this service picks {@code workload}: same namespace, and every selector label matches. */
  public boolean selects(Workload workload) {
    return !selector.isEmpty()
        && namespace.equals(workload.namespace())
        && workload.labels().entrySet().containsAll(selector.entrySet());
  }

  public Service withClusterIp(InetAddress ip) {
    return new Service(name, namespace, labels, annotations, selector, ports, ip, false);
  }

  /** A port the service exposes and the workload port it forwards to. */
  public record ServicePort(String name, int port, Protocol protocol, TargetPort targetPort) {
    public ServicePort {
      name = name == null ? "" : name;
      protocol = protocol == null ? Protocol.TCP : protocol;
      targetPort = targetPort == null ? new TargetPort.Number(port) : targetPort;
    }

    public static ServicePort tcp(String name, int port, TargetPort targetPort) {
      return new ServicePort(name, port, Protocol.TCP, targetPort);
    }
  }

  /** Where a service port leads on each workload: a number, or the name of a container port. */
  public sealed interface TargetPort {
    record Number(int port) implements TargetPort {
      @Override
      public String toString() {
        return Integer.toString(port);
      }
    }

    record Named(String name) implements TargetPort {
      @Override
      public String toString() {
        return name;
      }
    }
  }
}
