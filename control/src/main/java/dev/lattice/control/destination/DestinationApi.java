package dev.lattice.control.destination;

import dev.lattice.api.destination.DestinationGrpc;
import dev.lattice.api.destination.GetDestination;
import dev.lattice.api.destination.Update;
import dev.lattice.control.watch.LatestValueStream;
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
    stream.attach();
    try {
      stream.subscribed(discover.watch(target, stream::offer));
    } catch (UnknownServiceException e) {
      stream.fail(Status.NOT_FOUND.withDescription(e.getMessage()));
    } catch (InvalidDestinationException e) {
      stream.fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
    }
  }

  /** One client's stream: a slow client gets fewer, larger diffs instead of an unbounded queue. */
  private static final class Stream extends LatestValueStream<EndpointView> {
    private final ServerCallStreamObserver<Update> updatesCall;
    private final UpdateStream updates = new UpdateStream();

    Stream(ServerCallStreamObserver<Update> call) {
      super(call);
      this.updatesCall = call;
    }

    @Override
    protected void send(EndpointView view) {
      updates.next(view).forEach(updatesCall::onNext);
    }
  }
}
