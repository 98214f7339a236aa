package dev.lattice.proxy.policy;

import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.PortPolicy;
import dev.lattice.proxy.control.ControlChannel;
import dev.lattice.proxy.identity.Scheduler;
import dev.lattice.proxy.metrics.MetricsRegistry;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every inbound port's current policy. With a policy service, each port has a {@link PolicyWatch}:
 * declared ports and the admin port from {@link #start()}, other ports from their first use. Until the
 * service first answers for a port, the port enforces the <em>pending</em> policy: {@code deny} by
 * default (fail closed; loopback still passes), or with {@link PolicyConfig.Pending#DEFAULT} the
 * start-time default as Linkerd does — its opaque variant for ports without protocol detection.
 * Without a service, every port keeps the start-time default.
 */
public final class InboundPolicies implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InboundPolicies.class);

  private final PolicyConfig config;
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final Scheduler scheduler;
  private final ScheduledExecutorService ownedExecutor;
  private final RandomGenerator random;
  private final Map<Integer, PolicyWatch> watches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public static Builder builder(PolicyConfig config) {
    return new Builder(config);
  }

  private InboundPolicies(Builder b) {
    this.config = b.config;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("lattice-policy").daemon().factory());
      this.scheduler = Scheduler.of(ownedExecutor);
    }
    if (b.channel != null || !config.hasService()) {
      this.channel = b.channel;
      this.ownsChannel = false;
    } else {
      var address = config.serviceAddress().orElseThrow();
      this.channel = ControlChannel.dial(address.host(), address.port(), b.metrics);
      this.ownsChannel = true;
    }
    this.random = b.random;
  }

  /** Opens the watches of the declared ports and the admin port. */
  public InboundPolicies start() {
    if (config.hasService() && !config.serviceAddress().orElseThrow().isLoopback()) {
      log.warn("Watching inbound policy at {} without TLS; TLS to the control plane is not implemented yet",
          config.serviceAddress().orElseThrow());
    }
    config.eagerPorts().forEach(this::watch);
    return this;
  }

  public PolicyConfig config() {
    return config;
  }

  /** The port's state now, starting its watch on first use. Never blocks. */
  public PortState current(int port) {
    return watch(port).current();
  }

  /**
   * Completes when the port's first answer arrived, or when the wait for it ({@link
   * PolicyConfig#firstAnswerWait()}) has passed; event loops chain on this instead of blocking.
   */
  public CompletableFuture<PortState> ready(int port) {
    return watch(port).firstAnswer().copy();
  }

  /**
   * The port's state, waiting for its first answer while it is pending, for at most the configured
   * wait. Returns at once for a port that has answered (or timed out) before.
   */
  public PortState await(int port) {
    PolicyWatch w = watch(port);
    PortState now = w.current();
    if (now.source() != PortState.Source.PENDING || w.firstAnswer().isDone()) {
      return now;
    }
    try {
      // The watch completes the future itself when the wait passes; the bound here is a backstop.
      return w.firstAnswer().get(config.firstAnswerWait().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return w.current();
    } catch (ExecutionException | TimeoutException e) {
      return w.current();
    }
  }

  /** Failed watch attempts on {@code port} since its last answer: for tests and diagnostics. */
  int failures(int port) {
    return watch(port).failures();
  }

  /** Calls {@code listener} with each new state of {@code port}; the returned handle stops it. */
  public AutoCloseable subscribe(int port, Consumer<PortState> listener) {
    Objects.requireNonNull(listener, "listener");
    Runnable cancel = watch(port).subscribe(listener);
    return cancel::run;
  }

  /** The start-time default of {@code port} (its opaque variant if detection is disabled on it). */
  public PortPolicy startDefault(int port) {
    return defaultOf(config.defaultPolicy(), port);
  }

  @Override
  public void close() {
    closed = true;
    watches.values().forEach(PolicyWatch::close);
    if (ownsChannel) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private PolicyWatch watch(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
    PolicyWatch existing = watches.get(port);
    if (existing != null) {
      return existing;
    }
    PolicyWatch[] created = new PolicyWatch[1];
    PolicyWatch w = watches.computeIfAbsent(port, p -> created[0] = newWatch(p));
    if (w == created[0] && !closed) {
      w.start();
    }
    return w;
  }

  private PolicyWatch newWatch(int port) {
    PortState initial;
    if (!config.hasService()) {
      initial = PortState.of(port, PortState.Source.START_DEFAULT, startDefault(port));
    } else if (config.pending() == PolicyConfig.Pending.DEFAULT) {
      initial = PortState.of(port, PortState.Source.PENDING, startDefault(port));
    } else {
      initial = PortState.of(port, PortState.Source.PENDING, defaultOf(DefaultPolicy.DENY, port));
    }
    return new PolicyWatch(port, initial, channel, config.workload(), scheduler, random, config.minBackoff(),
        config.maxBackoff(), config.firstAnswerWait());
  }

  private PortPolicy defaultOf(DefaultPolicy policy, int port) {
    // No probe route: probe paths are known only to the controller (spec §1.2).
    return PortPolicy.ofDefault(policy, config.clusterNetworks(), config.opaquePorts().contains(port), List.of(),
        List.of());
  }

  /** Optional parts, for tests: a channel to an in-process or prepared server, a scheduler, randomness. */
  public static final class Builder {
    private final PolicyConfig config;
    private ManagedChannel channel;
    private Scheduler scheduler;
    private RandomGenerator random = RandomGenerator.getDefault();
    private MetricsRegistry metrics = new MetricsRegistry();

    private Builder(PolicyConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Where the dialled channel's {@code control_*} metrics go. */
    public Builder metrics(MetricsRegistry metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Use {@code channel} (not closed by the client) instead of dialling the configured address. */
    public Builder channel(ManagedChannel channel) {
      this.channel = channel;
      return this;
    }

    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    public Builder random(RandomGenerator random) {
      this.random = random;
      return this;
    }

    public InboundPolicies build() {
      return new InboundPolicies(this);
    }
  }
}
