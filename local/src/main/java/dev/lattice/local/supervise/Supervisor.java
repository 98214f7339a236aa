package dev.lattice.local.supervise;

import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.control.store.LocalStore;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.netns.NamespaceSockets;
import dev.lattice.local.proxyinit.ProxyInitConfig;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.state.PidFiles;
import dev.lattice.local.state.StateDir;
import dev.lattice.local.up.Installation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lattice supervise}: runs a mesh that {@code lattice up} laid out, until SIGTERM. Starts the
 * control plane in the mesh's namespace, then every workload ({@link WorkloadRunner}) in parallel, then
 * the port-forward, reporting each step to {@link Progress}. On SIGTERM it stops apps, then proxies,
 * then the control plane.
 */
public final class Supervisor {
  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
  static final Duration CONTROL_PLANE_TIMEOUT = Duration.ofSeconds(60);
  static final Duration WORKLOADS_TIMEOUT = Duration.ofSeconds(90);

  private final StateDir dir;
  private final Installation installation;
  private final InstantSource clock;
  private final Progress progress;
  private final PidFiles pids;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<WorkloadRunner> runners = new ArrayList<>();
  private volatile Child controlPlane;
  private volatile boolean stopping;

  public Supervisor(StateDir dir, Installation installation, InstantSource clock) {
    this.dir = dir;
    this.installation = installation;
    this.clock = clock;
    this.progress = new Progress(dir.progress());
    this.pids = new PidFiles(dir.pids());
  }

  /** Runs until the process is asked to stop; a failure to start is reported to {@code up} first. */
  public void run() throws IOException, InterruptedException {
    try {
      supervise();
    } catch (IOException | RuntimeException e) {
      progress.report(Progress.Kind.FAILED, "supervisor: " + e.getMessage());
      throw e;
    }
  }

  private void supervise() throws IOException, InterruptedException {
    MeshRecord record = MeshRecord.read(dir.meshRecord())
        .orElseThrow(() -> new IllegalStateException("no mesh is laid out in " + dir.root() + " (run lattice up)"));
    MeshLayout layout = record.layout();
    Instant began = clock.instant();
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lattice-supervise-stop").unstarted(this::stop));
    try (NamespaceSockets sockets = new NamespaceSockets();
        LocalStore store = LocalStore.open(dir.root(), Duration.ZERO)) {
      startControlPlane(layout);
      Probes probes = new Probes(sockets);
      LocalTokenStore tokens = LocalTokenStore.open(dir.tokens(), clock);
      String anchors = Files.readString(dir.trustAnchor());
      for (MeshLayout.Placed w : layout.workloads()) {
        runners.add(new WorkloadRunner(layout, w, w.spec().meshed() ? proxyChild(layout, w, tokens, anchors) : null,
            appChild(w), probes, store, clock, progress));
      }
      runners.forEach(r -> Thread.ofVirtual().name("workload-" + r.app().name()).start(r::run));
      PortForwarder forwarder = startForwarder(record, layout, sockets);
      awaitWorkloads(began);
      stopped.await();
      if (forwarder != null) {
        forwarder.close();
      }
    }
  }

  private void startControlPlane(MeshLayout layout) throws IOException, InterruptedException {
    Files.deleteIfExists(dir.controlPlaneReady());
    List<String> argv = new ArrayList<>(layout.meshNamespace().exec(installation.lattice(
        Optional.of(dir.cache().resolve("control-plane.jsa")), "control-plane", "--state-dir", dir.root().toString(),
        "--address", layout.bridgeAddress().getHostAddress(),
        "--cluster-networks", layout.spec().network().toString(),
        "--default-inbound-policy", ProxyLaunch.DEFAULT_INBOUND_POLICY)));
    controlPlane = new Child("control-plane", argv, baseEnv(), dir.log("control-plane"), pids);
    Process process = controlPlane.start();
    Instant deadline = clock.instant().plus(CONTROL_PLANE_TIMEOUT);
    while (!Files.exists(dir.controlPlaneReady())) {
      if (!process.isAlive()) {
        fail("the control plane exited with status " + process.exitValue() + "; see " + controlPlane.log());
      }
      if (clock.instant().isAfter(deadline)) {
        fail("the control plane did not start within " + CONTROL_PLANE_TIMEOUT.toSeconds() + "s; see " + controlPlane.log());
      }
      process.waitFor(50, TimeUnit.MILLISECONDS);
    }
    progress.report(Progress.Kind.STEP, "control plane: identity " + layout.bridgeAddress().getHostAddress() + ":8080, "
        + "destination " + layout.bridgeAddress().getHostAddress() + ":8086, "
        + "policy " + layout.bridgeAddress().getHostAddress() + ":8090, plaintext gRPC, in namespace "
        + layout.meshNamespace() + " (pid " + process.pid() + ", log " + controlPlane.log() + ")");
    // Later crashes are restarted by a watcher, like every other process of the mesh.
    Thread.ofVirtual().name("control-plane-watch").start(() -> watchControlPlane(process));
  }

  private void watchControlPlane(Process first) {
    Backoff backoff = new Backoff();
    Process current = first;
    Instant started = clock.instant();
    while (!stopping) {
      try {
        current.waitFor();
        if (stopping) {
          return;
        }
        Duration delay = backoff.after(Duration.between(started, clock.instant()));
        log.warn("control plane exited with status {}; restarting in {}", current.exitValue(), delay);
        if (stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        current = controlPlane.start();
        started = clock.instant();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        log.error("cannot restart the control plane: {}", e.toString());
        return;
      }
    }
  }

  private Child proxyChild(MeshLayout layout, MeshLayout.Placed w, LocalTokenStore tokens, String anchors) {
    Path token = tokens.mint(w.spec().namespace(), w.spec().serviceAccount(), w.spec().name());
    // The token store is root's (0700); the proxy, running as its own uid, gets a copy it alone can read.
    Path own = dir.workloads().resolve(w.netns().name());
    Path copy = own.resolve("token");
    try {
      Files.createDirectories(own);
      Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
      Files.deleteIfExists(copy);
      Files.write(copy, Files.readAllBytes(token));
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--------"));
      Files.setAttribute(copy, "unix:uid", ProxyInitConfig.PROXY_UID);
      Files.setAttribute(copy, "unix:gid", ProxyInitConfig.PROXY_UID);
      Files.setAttribute(own, "unix:uid", ProxyInitConfig.PROXY_UID);
      Files.setAttribute(own, "unix:gid", ProxyInitConfig.PROXY_UID);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand the token of " + w.spec().qualifiedName() + " to its proxy", e);
    }
    Path archive = dir.cache().resolve("proxy").resolve(w.spec().namespace() + "." + w.spec().name() + ".jsa");
    return new Child(w.netns().name() + ".proxy", ProxyLaunch.argv(installation, dir.runtime().resolve("proxy"), archive, w),
        ProxyLaunch.env(layout, w, anchors, copy, own), dir.log(w.spec().namespace() + "." + w.spec().name() + ".proxy"),
        pids);
  }

  private Child appChild(MeshLayout.Placed w) {
    Map<String, String> env = baseEnv();
    env.putAll(w.spec().env());
    return new Child(w.netns().name() + ".app", w.netns().exec(w.spec().command()), env,
        dir.log(w.spec().namespace() + "." + w.spec().name() + ".app"), pids);
  }

  private PortForwarder startForwarder(MeshRecord record, MeshLayout layout, NamespaceSockets sockets)
      throws IOException {
    if (record.expose().isEmpty()) {
      return null;
    }
    Expose expose = Expose.parse(record.expose());
    MeshLayout.Placed target = layout.workload(expose.namespace(), expose.workload()).orElseThrow(
        () -> new IllegalStateException("--expose " + record.expose() + ": no such workload"));
    PortForwarder forwarder;
    try {
      forwarder = PortForwarder.start(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), expose.listenPort()), sockets,
          layout.meshNamespace(), new InetSocketAddress(target.address(), expose.targetPort()));
    } catch (IOException e) {
      throw new IOException("port-forward cannot listen on 127.0.0.1:" + expose.listenPort() + " (" + e.getMessage()
          + "); choose another port with --expose " + expose.namespace() + "/" + expose.workload() + ":"
          + expose.targetPort() + "@PORT (0 picks a free one)", e);
    }
    String listen = "127.0.0.1:" + forwarder.address().getPort();
    MeshRecord.read(dir.meshRecord()).ifPresent(r -> r.withExposeListen(listen).write(dir.meshRecord()));
    progress.report(Progress.Kind.STEP, "port-forward: http://" + listen + "/ -> " + target.spec().qualifiedName()
        + " " + target.address().getHostAddress() + ":" + expose.targetPort());
    return forwarder;
  }

  private void awaitWorkloads(Instant began) throws InterruptedException {
    CompletableFuture<?>[] all = runners.stream().map(WorkloadRunner::firstReady).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get(WORKLOADS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      progress.report(Progress.Kind.READY, String.format("all %d workloads ready %.1fs after the supervisor started",
          runners.size(), Duration.between(began, clock.instant()).toMillis() / 1000.0));
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      List<String> late = new ArrayList<>();
      for (WorkloadRunner r : runners) {
        if (!r.firstReady().isDone()) {
          late.add(r.app().name() + " (logs: " + r.children().stream().map(c -> c.log().toString()).toList() + ")");
        }
      }
      progress.report(Progress.Kind.FAILED, "not ready within " + WORKLOADS_TIMEOUT.toSeconds() + "s: " + late);
    }
  }

  private void fail(String message) {
    progress.report(Progress.Kind.FAILED, message);
    throw new IllegalStateException(message);
  }

  /** Stops every process: apps first (their connections drain through the proxies), then proxies, then the control plane. */
  private void stop() {
    stopping = true;
    runners.forEach(WorkloadRunner::stop);
    List<Child> apps = runners.stream().map(WorkloadRunner::app).toList();
    List<Child> proxies = runners.stream().flatMap(r -> r.children().stream()).filter(c -> !apps.contains(c)).toList();
    for (List<Child> group : List.of(apps, proxies)) {
      group.forEach(Child::terminate);
      group.forEach(c -> c.awaitOrKill(3000));
    }
    if (controlPlane != null) {
      controlPlane.terminate();
      controlPlane.awaitOrKill(5000);
    }
    stopped.countDown();
  }

  private static Map<String, String> baseEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    env.put("HOME", System.getenv().getOrDefault("HOME", "/root"));
    env.put("LANG", "C.UTF-8");
    return env;
  }

  /** {@code ns/workload:port[@listenPort]}: which workload port the host's loopback exposes, and where. */
  public record Expose(String namespace, String workload, int targetPort, int listenPort) {
    public static Expose parse(String text) {
      try {
        String main = text;
        int listen = 0;
        int at = text.indexOf('@');
        if (at >= 0) {
          main = text.substring(0, at);
          listen = Integer.parseInt(text.substring(at + 1));
        }
        int slash = main.indexOf('/');
        int colon = main.lastIndexOf(':');
        if (slash <= 0 || colon < slash + 2) {
          throw new IllegalArgumentException("missing part");
        }
        return new Expose(main.substring(0, slash), main.substring(slash + 1, colon),
            Integer.parseInt(main.substring(colon + 1)), listen);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("expose '" + text
            + "' (expected: NAMESPACE/WORKLOAD:PORT[@LISTEN_PORT], e.g. emojivoto/web:8080@7080)", e);
      }
    }

    @Override
    public String toString() {
      return namespace + "/" + workload + ":" + targetPort + "@" + listenPort;
    }
  }
}
