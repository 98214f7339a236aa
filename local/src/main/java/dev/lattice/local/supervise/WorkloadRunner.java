package dev.lattice.local.supervise;

import dev.lattice.control.store.Store;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.mesh.MeshResources;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one workload running: its proxy first (when meshed) until {@code /ready} answers 200, then its
 * app until its first port accepts. The workload's Pod is Ready in the store exactly while both hold;
 * when either process dies the Pod turns unready at once, and the process is restarted after a
 * back-off, the other one left alone.
 */
final class WorkloadRunner {
  private static final Logger log = LoggerFactory.getLogger(WorkloadRunner.class);
  private static final Duration TICK = Duration.ofMillis(100);

  private final MeshLayout layout;
  private final MeshLayout.Placed workload;
  private final Child proxy;
  private final Child app;
  private final Probes probes;
  private final Store store;
  private final InstantSource clock;
  private final Progress progress;
  private final LinkedBlockingQueue<Object> wakeups = new LinkedBlockingQueue<>();
  private final CompletableFuture<Duration> firstReady = new CompletableFuture<>();
  private final Backoff proxyBackoff = new Backoff();
  private final Backoff appBackoff = new Backoff();

  private volatile boolean stopping;
  private boolean proxyReady;
  private boolean appReady;
  private Boolean published;
  private Instant proxyStartAt = Instant.MIN;
  private Instant appStartAt = Instant.MIN;
  private Instant proxyStartedAt;
  private Instant appStartedAt;
  private Instant began;

  WorkloadRunner(MeshLayout layout, MeshLayout.Placed workload, Child proxy, Child app, Probes probes, Store store,
      InstantSource clock, Progress progress) {
    this.layout = layout;
    this.workload = workload;
    this.proxy = proxy;
    this.app = app;
    this.probes = probes;
    this.store = store;
    this.clock = clock;
    this.progress = progress;
  }

  /** Completes with the time from start to first readiness. */
  CompletableFuture<Duration> firstReady() {
    return firstReady;
  }

  List<Child> children() {
    return proxy == null ? List.of(app) : List.of(proxy, app);
  }

  Child app() {
    return app;
  }

  void run() {
    began = clock.instant();
    while (!stopping) {
      try {
        step();
      } catch (IOException | RuntimeException e) {
        log.warn("{}: {}", workload.spec().qualifiedName(), e.toString());
      }
      try {
        wakeups.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  void stop() {
    stopping = true;
    wakeups.offer(Boolean.TRUE);
  }

  private void step() throws IOException {
    Instant now = clock.instant();
    boolean meshed = proxy != null;
    if (meshed) {
      if (!proxy.alive()) {
        if (proxyStartedAt != null) {
          Duration ran = Duration.between(proxyStartedAt, now);
          proxyStartAt = now.plus(proxyBackoff.after(ran));
          log.warn("{}: proxy exited after {} (see {}); restarting at {}", workload.spec().qualifiedName(), ran,
              proxy.log(), proxyStartAt);
          proxyStartedAt = null;
          proxyReady = false;
        }
        if (!now.isBefore(proxyStartAt)) {
          proxy.start().onExit().thenRun(() -> wakeups.offer(Boolean.TRUE));
          proxyStartedAt = now;
        }
      } else if (!proxyReady) {
        proxyReady = probes.proxyReady(workload.netns());
      }
    }
    // The app starts only once its proxy is ready, as with a native sidecar's startup probe; later
    // proxy restarts leave a running app alone.
    if (!meshed || proxyReady || appStartedAt != null) {
      if (!app.alive()) {
        if (appStartedAt != null) {
          Duration ran = Duration.between(appStartedAt, now);
          appStartAt = now.plus(appBackoff.after(ran));
          log.warn("{}: app exited after {} (see {}); restarting at {}", workload.spec().qualifiedName(), ran,
              app.log(), appStartAt);
          appStartedAt = null;
          appReady = false;
        }
        if (!now.isBefore(appStartAt)) {
          app.start().onExit().thenRun(() -> wakeups.offer(Boolean.TRUE));
          appStartedAt = now;
        }
      } else if (!appReady) {
        List<Integer> ports = workload.spec().ports();
        appReady = ports.isEmpty() || probes.listening(workload.netns(), ports.getFirst());
      }
    }
    publish((!meshed || proxyReady) && appReady && app.alive());
  }

  private void publish(boolean ready) {
    if (published != null && published == ready) {
      return;
    }
    store.apply(List.of(MeshResources.workload(layout, workload, ready)));
    published = ready;
    if (ready && !firstReady.isDone()) {
      Duration took = Duration.between(began, clock.instant());
      // Reported before completing: the supervisor's "all ready" line must come after this one.
      progress.report(Progress.Kind.STEP, String.format("workload %s ready in %.1fs: %s%s",
          workload.spec().qualifiedName(), took.toMillis() / 1000.0,
          proxy == null ? "not meshed, " : "proxy ready as "
              + ProxyLaunch.identity(workload.spec().serviceAccount(), workload.spec().namespace()) + ", ",
          workload.spec().ports().isEmpty() ? "app running" : "app listening on "
              + workload.address().getHostAddress() + ":" + workload.spec().ports().getFirst()));
      firstReady.complete(took);
    } else if (firstReady.isDone()) {
      log.info("{}: {}", workload.spec().qualifiedName(), ready ? "ready again" : "not ready");
    }
  }
}
