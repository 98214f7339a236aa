package dev.lattice.control.policy.api;

import dev.lattice.control.watch.LatestValueStream;
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
    stream.attach();
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

  /** One proxy's watch: each message is a whole policy, so skipping a superseded one loses nothing. */
  private final class Stream extends LatestValueStream<PortPolicy> {
    private final ServerCallStreamObserver<Server> servers;
    private final WorkloadRef workload;
    private final int port;

    Stream(ServerCallStreamObserver<Server> call, WorkloadRef workload, int port) {
      super(call);
      this.servers = call;
      this.workload = workload;
      this.port = port;
    }

    @Override
    protected void send(PortPolicy policy) {
      Server server;
      try {
        server = encode(policy);
      } catch (IllegalArgumentException e) {
        log.error("cannot encode the policy of {} port {}", workload, port, e);
        // The subscription is closed by the close handler, outside this stream's lock.
        failLocked(Status.INTERNAL.withDescription(e.getMessage()));
        return;
      }
      servers.onNext(server);
    }
  }
}
