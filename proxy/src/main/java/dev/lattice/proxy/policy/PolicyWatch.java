package dev.lattice.proxy.policy;

import dev.lattice.api.inbound.InboundServerPoliciesGrpc;
import dev.lattice.api.inbound.PortSpec;
import dev.lattice.api.inbound.Server;
import dev.lattice.proxy.identity.Scheduler;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One port's {@code WatchPort} stream, kept open: each message replaces the port's state; when the
 * stream fails it is re-opened after an exponential backoff (with 10% jitter) and the last state stays
 * in force meanwhile. {@code INVALID_ARGUMENT} and {@code FAILED_PRECONDITION} mean retrying cannot
 * help: the watch stops there, keeping its last state, as Linkerd's proxy does.
 */
final class PolicyWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyWatch.class);

  private final int port;
  private final Channel channel;
  private final String workload;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final List<Consumer<PortState>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<PortState> firstAnswer = new CompletableFuture<>();

  private final Object lock = new Object();
  // Guarded by lock.
  private Observer active;
  private Scheduler.Cancellable retry;
  private int failures;
  private boolean closed;

  private volatile PortState current;

  PolicyWatch(int port, PortState initial, Channel channel, String workload, Scheduler scheduler,
      RandomGenerator random, Duration minBackoff, Duration maxBackoff, Duration firstAnswerWait) {
    this.port = port;
    this.current = initial;
    this.channel = channel;
    this.workload = workload;
    this.scheduler = scheduler;
    this.random = random;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    if (channel == null) {
      firstAnswer.complete(initial);
    } else {
      // After the wait, connections stop waiting and get the pending state (fail closed by default).
      scheduler.schedule(firstAnswerWait, () -> firstAnswer.complete(current));
    }
  }

  void start() {
    if (channel != null) {
      open();
    }
  }

  PortState current() {
    return current;
  }

  /** Failed attempts since the last answer (for tests and diagnostics). */
  int failures() {
    synchronized (lock) {
      return failures;
    }
  }

  /** Completes with the first answer, or with the pending state once the wait has passed. */
  CompletableFuture<PortState> firstAnswer() {
    return firstAnswer;
  }

  /** {@code listener} hears every later change of state, one at a time; keep it quick. */
  Runnable subscribe(Consumer<PortState> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    Observer stream;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      stream = active;
      active = null;
      if (retry != null) {
        retry.cancel();
      }
    }
    if (stream != null) {
      stream.cancel();
    }
  }

  private void open() {
    Observer observer = new Observer();
    synchronized (lock) {
      if (closed) {
        return;
      }
      retry = null;
      active = observer;
    }
    PortSpec spec = PortSpec.newBuilder().setWorkload(workload).setPort(port).build();
    try {
      InboundServerPoliciesGrpc.newStub(channel).watchPort(spec, observer);
    } catch (RuntimeException e) {
      observer.onError(e);
    }
  }

  private void install(PortState next) {
    PortState previous = current;
    current = next;
    firstAnswer.complete(next);
    if (next.sameAs(previous)) {
      return;
    }
    switch (next.source()) {
      case INVALID -> log.warn("Invalid inbound policy for port {}: {}; refusing its traffic", port, next.problem());
      default -> log.debug("Inbound policy for port {}: {}", port, next.policy().server());
    }
    for (Consumer<PortState> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.warn("policy listener for port {} failed", port, e);
      }
    }
  }

  private Duration backoff(int attempt) {
    long min = minBackoff.toNanos();
    long delay = attempt >= 40 ? maxBackoff.toNanos() : Math.min(maxBackoff.toNanos(), min << Math.min(attempt - 1, 30));
    double jitter = 1 + (random.nextDouble() * 0.2 - 0.1);
    return Duration.ofNanos(Math.max(min, Math.min(maxBackoff.toNanos(), (long) (delay * jitter))));
  }

  /** One attempt's stream; ignored once it is no longer the active one. */
  private final class Observer implements ClientResponseObserver<PortSpec, Server> {
    private volatile ClientCallStreamObserver<PortSpec> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<PortSpec> requestStream) {
      call = requestStream;
    }

    void cancel() {
      ClientCallStreamObserver<PortSpec> c = call;
      if (c != null) {
        c.cancel("policy watch closed", null);
      }
    }

    private boolean isActive() {
      synchronized (lock) {
        return !closed && active == this;
      }
    }

    @Override
    public void onNext(Server server) {
      if (!isActive()) {
        return;
      }
      synchronized (lock) {
        failures = 0;
      }
      PortState next;
      try {
        next = PortState.of(port, PortState.Source.SERVICE, ProtoPolicies.decode(server));
      } catch (InvalidServerException | RuntimeException e) {
        // RuntimeException too: whatever the decoder trips on must not leave the old policy in force.
        next = PortState.invalid(port, e.getMessage());
      }
      install(next);
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      Duration delay;
      synchronized (lock) {
        if (closed || active != this) {
          return;
        }
        active = null;
        if (status.getCode() == Status.Code.INVALID_ARGUMENT || status.getCode() == Status.Code.FAILED_PRECONDITION) {
          log.error("The policy service refused to watch port {} for {}: {} {}; keeping the current policy ({})",
              port, workload, status.getCode(), status.getDescription(), current.policy().server());
          return;
        }
        failures++;
        delay = backoff(failures);
        retry = scheduler.schedule(delay, PolicyWatch.this::open);
      }
      log.warn("Inbound policy watch for port {} failed: {} {}; keeping {} ({}), retrying in {} ms", port,
          status.getCode(), status.getDescription(), current.policy().server(), current.source(), delay.toMillis());
    }

    @Override
    public void onCompleted() {
      synchronized (lock) {
        if (closed || active != this) {
          return;
        }
        active = null;
        // The service ended the stream (e.g. it is shutting down): open a new one soon.
        retry = scheduler.schedule(backoff(1), PolicyWatch.this::open);
      }
    }
  }
}
