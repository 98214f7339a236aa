package dev.lattice.control.destination;

import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Service;
import dev.lattice.control.store.Service.ServicePort;
import dev.lattice.control.store.Service.TargetPort;
import dev.lattice.control.store.Workload;
import dev.lattice.control.store.Workload.Container;
import dev.lattice.control.store.Workload.ContainerPort;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/** Small builders for the records destination tests need. */
final class Fixtures {
  static final String NS = "emojivoto";

  private Fixtures() {}

  /** A running, meshed workload labelled {@code app=<app>} with a port {@code http} on 8080. */
  static Workload workload(String name, String app, String ip) {
    return new Workload(
        name,
        NS,
        app,
        Map.of("app", app, MeshKeys.CONTROL_PLANE_NS_LABEL, "linkerd"),
        Map.of(),
        List.of(Container.of(app, ContainerPort.tcp("http", 8080), ContainerPort.tcp("mysql", 3306))),
        ip == null ? null : InetAddress.ofLiteral(ip),
        ip != null);
  }

  /** Service {@code <app>-svc} on port 80 → named port {@code http}, and 3306 → 3306. */
  static Service service(String app, String vip) {
    return new Service(
        app + "-svc",
        NS,
        Map.of(),
        Map.of(),
        Map.of("app", app),
        List.of(
            ServicePort.tcp("http", 80, new TargetPort.Named("http")),
            ServicePort.tcp("mysql", 3306, null)),
        vip == null ? null : InetAddress.ofLiteral(vip),
        false);
  }

  static Target.ServiceName target(String app, int port) {
    return new Target.ServiceName(NS, app + "-svc", port);
  }
}
