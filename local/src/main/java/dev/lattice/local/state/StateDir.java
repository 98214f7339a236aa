package dev.lattice.local.state;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The layout of a mesh's state directory (default {@value #DEFAULT}).
 *
 * <pre>
 * mesh.json                     what up created (MeshRecord); absent when no mesh is up
 * identity/ca.crt, ca.key       trust anchor (kept across up/down)
 * identity/issuer/crt.pem, key.pem   issuer (kept across up/down)
 * resources/…                   the LocalStore: Pods, Services, … (lattice apply/delete)
 * tokens/&lt;ns&gt;/&lt;sa&gt;/&lt;workload&gt;.token   LocalTokenStore (root only)
 * workloads/&lt;netns&gt;/token         the proxy's copy of its token (owned by the proxy uid)
 * runtime/proxy/                 the proxy's class path, readable by the proxy uid
 * run/                          pids, progress log, control-plane ready marker
 * cache/                        class-data-sharing archives of the mesh's JVMs (kept after down)
 * logs/                         one log per process (kept after down)
 * </pre>
 */
public record StateDir(Path root) {
  /** Default state directory: world-traversable, so the proxy's uid can reach its class path. */
  public static final String DEFAULT = "/var/lib/lattice";

  public StateDir {
    root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  public Path meshRecord() {
    return root.resolve("mesh.json");
  }

  public Path identity() {
    return root.resolve("identity");
  }

  public Path trustAnchor() {
    return identity().resolve("ca.crt");
  }

  public Path trustAnchorKey() {
    return identity().resolve("ca.key");
  }

  public Path issuerDirectory() {
    return identity().resolve("issuer");
  }

  public Path tokens() {
    return root.resolve("tokens");
  }

  public Path workloads() {
    return root.resolve("workloads");
  }

  public Path runtime() {
    return root.resolve("runtime");
  }

  public Path run() {
    return root.resolve("run");
  }

  public Path pids() {
    return run().resolve("pids");
  }

  public Path progress() {
    return run().resolve("progress.log");
  }

  /** Written by the control plane once both servers listen. */
  public Path controlPlaneReady() {
    return run().resolve("control-plane.ready");
  }

  /** Class-data-sharing archives of the mesh's JVMs, kept across up/down so later starts are faster. */
  public Path cache() {
    return root.resolve("cache");
  }

  public Path logs() {
    return root.resolve("logs");
  }

  public Path log(String name) {
    return logs().resolve(name + ".log");
  }
}
