package dev.lattice.control.destination;

import dev.lattice.api.destination.DestinationGrpc;
import dev.lattice.api.destination.GetDestination;
import dev.lattice.api.destination.Update;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;

/**
 * {@code io.linkerd.proxy.destination.Destination}: {@code Get} streams a service's endpoints. Errors
 * map as in Linkerd: a malformed path or an IP that is no service's virtual IP is {@code
 * INVALID_ARGUMENT}, an unknown service is {@code NOT_FOUND}. {@code GetProfile} is not implemented
 * yet ({@code UNIMPLEMENTED}).
 */
public final class DestinationApi extends DestinationGrpc.DestinationImplBase {
  private final DiscoverEndpoints discover;
  private final String clusterDomain;

  public DestinationApi(DiscoverEndpoints discover, String clusterDomain) {
    this.discover = Objects.requireNonNull(discover, "discover");
    this.clusterDomain = Objects.requireNonNull(clusterDomain, "clusterDomain");
  }

  @Override
  public void get(GetDestination request, StreamObserver<Update> responses) {
    ServerCallStreamObserver<Update> call = (ServerCallStreamObserver<Update>) responses;
    Target target;
    try {
      target = DestinationPath.parse(request.getPath(), clusterDomain);
    } catch (InvalidDestinationException e) {
      call.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    Stream stream = new Stream(call);
    call.setOnReadyHandler(stream::drain);
    call.setOnCancelHandler(stream::cancel);
    try {
      stream.subscribed(discover.watch(target, stream::offer));
    } catch (UnknownServiceException e) {
      stream.fail(Status.NOT_FOUND.withDescription(e.getMessage()));
    } catch (InvalidDestinationException e) {
      stream.fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
    }
  }

  /**
   * One client's stream. Views arrive on the index's thread; only the newest unsent view is kept and
   * sent when the transport is ready, so a slow client gets fewer, larger diffs instead of an
   * unbounded queue.
   */
  private static final class Stream {
    private final ServerCallStreamObserver<Update> call;
    private final UpdateStream updates = new UpdateStream();
    private DiscoverEndpoints.Subscription subscription;
    private EndpointView pending;
    private boolean closed;

    Stream(ServerCallStreamObserver<Update> call) {
      this.call = call;
    }

    synchronized void offer(EndpointView view) {
      pending = view;
      drain();
    }

    synchronized void drain() {
      while (!closed && pending != null && call.isReady()) {
        EndpointView view = pending;
        pending = null;
        updates.next(view).forEach(call::onNext);
      }
    }

    // The index calls offer() holding its own lock, so closing a subscription (which takes the index
    // lock) must happen outside this stream's lock, or the two could deadlock.

    void subscribed(DiscoverEndpoints.Subscription s) {
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
      DiscoverEndpoints.Subscription s;
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
