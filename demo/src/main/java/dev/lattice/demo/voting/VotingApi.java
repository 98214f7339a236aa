package dev.lattice.demo.voting;

import dev.lattice.demo.proto.ResultsRequest;
import dev.lattice.demo.proto.ResultsResponse;
import dev.lattice.demo.proto.VoteRequest;
import dev.lattice.demo.proto.VoteResponse;
import dev.lattice.demo.proto.VotingResult;
import dev.lattice.demo.proto.VotingServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** The gRPC {@code emojivoto.v1.VotingService} over a {@link Poll}. */
public final class VotingApi extends VotingServiceGrpc.VotingServiceImplBase {
  private final Poll poll;

  public VotingApi(Poll poll) {
    this.poll = poll;
  }

  @Override
  public void vote(VoteRequest request, StreamObserver<VoteResponse> response) {
    try {
      poll.vote(request.getShortcode());
    } catch (Poll.RefusedVote e) {
      // UNKNOWN is what emojivoto's Go service returns for its plain error, so dashboards look alike.
      response.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    response.onNext(VoteResponse.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void results(ResultsRequest request, StreamObserver<ResultsResponse> response) {
    ResultsResponse.Builder reply = ResultsResponse.newBuilder();
    for (Poll.Result result : poll.results()) {
      reply.addResults(
          VotingResult.newBuilder().setShortcode(result.shortcode()).setVotes(result.votes()));
    }
    response.onNext(reply.build());
    response.onCompleted();
  }
}
