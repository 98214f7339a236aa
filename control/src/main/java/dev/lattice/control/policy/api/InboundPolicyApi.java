package dev.lattice.control.policy.api;

import dev.lattice.api.inbound.InboundServerPoliciesGrpc;
import dev.lattice.api.inbound.PortSpec;
import dev.lattice.api.inbound.Server;
import dev.lattice.policy.PortPolicy;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code io.linkerd.proxy.inbound.InboundServerPolicies}: {@code GetPort} answers once, {@code
 * WatchPort} sends the port's policy and then the whole policy again each time it changes. Errors map
 * as in Linkerd: a malformed workload or a port outside 1-65535 is {@code INVALID_ARGUMENT}, an unknown
 * pod {@code NOT_FOUND} (the proxy retries).
 */
public final class InboundPolicyApi extends InboundServerPoliciesGrpc.InboundServerPoliciesImplBase {
  private static final Logger log = LoggerFactory.getLogger(InboundPolicyApi.class);

  private final DiscoverInboundServer discover;
  private final Duration detectTimeout;

  public InboundPolicyApi(DiscoverInboundServer discover) {
    this(discover, InboundServers.DETECT_TIMEOUT);
  }

  public InboundPolicyApi(DiscoverInboundServer discover, Duration detectTimeout) {
    this.discover = Objects.requireNonNull(discover, "discover");
    this.detectTimeout = Objects.requireNonNull(detectTimeout, "detectTimeout");
  }

  @Override
  public void getPort(PortSpec request, StreamObserver<Server> responses) {
    WorkloadRef workload;
    try {
      workload = parse(request);
    } catch (IllegalArgumentException e) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    try {
      Server server = encode(discover.get(workload, request.getPort()));
      responses.onNext(server);
      responses.onCompleted();
    } catch (UnknownWorkloadException e) {
      responses.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
    } catch (IllegalArgumentException e) {
      log.error("cannot encode the policy of {} port {}", workload, request.getPort(), e);
      responses.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void watchPort(PortSpec request, StreamObserver<Server> responses) {
    ServerCallStreamObserver<Server> call = (ServerCallStreamObserver<Server>) responses;
    WorkloadRef workload;
    try {
      workload = parse(request);
    } catch (IllegalArgumentException e) {
      call.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    Stream stream = new Stream(call, workload, request.getPort());
    call.setOnReadyHandler(stream::drain);
    call.setOnCancelHandler(stream::cancel);
    // After we end the call ourselves (an encoding failure), cancel never comes; close does.
    call.setOnCloseHandler(stream::cancel);
    try {
      stream.subscribed(discover.watch(workload, request.getPort(), stream::offer));
    } catch (UnknownWorkloadException e) {
      stream.fail(Status.NOT_FOUND.withDescription(e.getMessage()));
    }
  }

  private static WorkloadRef parse(PortSpec request) {
    int port = request.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + Integer.toUnsignedString(port) + " is out of range (expected 1-65535)");
    }
    return WorkloadRef.parse(request.getWorkload());
  }

  private Server encode(PortPolicy policy) {
    return InboundServers.encode(policy, detectTimeout);
  }

  /**
   * One proxy's watch. Policies arrive on the store's thread; only the newest unsent one is kept and
   * sent when the transport is ready: each message is a whole policy, so skipping one loses nothing.
   */
  private final class Stream {
    private final ServerCallStreamObserver<Server> call;
    private final WorkloadRef workload;
    private final int port;
    private DiscoverInboundServer.Subscription subscription;
    private PortPolicy pending;
    private boolean closed;

    Stream(ServerCallStreamObserver<Server> call, WorkloadRef workload, int port) {
      this.call = call;
      this.workload = workload;
      this.port = port;
    }

    synchronized void offer(PortPolicy policy) {
      pending = policy;
      drain();
    }

    synchronized void drain() {
      while (!closed && pending != null && call.isReady()) {
        PortPolicy next = pending;
        pending = null;
        Server server;
        try {
          server = encode(next);
        } catch (IllegalArgumentException e) {
          log.error("cannot encode the policy of {} port {}", workload, port, e);
          closed = true;
          // The subscription is closed by the close handler, outside this lock (see below).
          call.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
          return;
        }
        call.onNext(server);
      }
    }

    // The watches call offer() holding their own lock, so closing a subscription (which takes that
    // lock) must happen outside this stream's lock, or the two could deadlock.

    void subscribed(DiscoverInboundServer.Subscription s) {
      boolean alreadyClosed;
      synchronized (this) {
        alreadyClosed = closed;
        subscription = s;
      }
      if (alreadyClosed) {
        s.close();
      }
    }

    synchronized void fail(Status status) {
      if (!closed) {
        closed = true;
        call.onError(status.asRuntimeException());
      }
    }

    void cancel() {
      DiscoverInboundServer.Subscription s;
      synchronized (this) {
        closed = true;
        s = subscription;
      }
      if (s != null) {
        s.close();
      }
    }
  }
}
