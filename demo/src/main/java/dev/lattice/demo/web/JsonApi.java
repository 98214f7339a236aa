package dev.lattice.demo.web;

import dev.lattice.demo.proto.Emoji;
import dev.lattice.demo.proto.EmojiServiceGrpc;
import dev.lattice.demo.proto.FindByShortcodeRequest;
import dev.lattice.demo.proto.ListAllEmojiRequest;
import dev.lattice.demo.proto.ResultsRequest;
import dev.lattice.demo.proto.VoteRequest;
import dev.lattice.demo.proto.VotingResult;
import dev.lattice.demo.proto.VotingServiceGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The JSON API: {@code /api/list}, {@code /api/vote?choice=:shortcode:} and {@code /api/leaderboard}. Each
 * answer is a {@link Reply} whose body is serialised to JSON by the server.
 */
final class JsonApi {
  /** An HTTP status and a body to serialise as JSON. */
  record Reply(int status, Object body) {}

  record EmojiView(String shortcode, String unicode) {}

  record Voted(String voted) {}

  record Standing(String shortcode, String unicode, long votes) {}

  record ErrorBody(String error) {}

  // Per call, not per stub: a stub's deadline is an instant, fixed when the stub is made.
  private static final long DEADLINE_SECONDS = 5;

  private final EmojiServiceGrpc.EmojiServiceBlockingStub emoji;
  private final VotingServiceGrpc.VotingServiceBlockingStub voting;

  JsonApi(Channel emojiChannel, Channel votingChannel) {
    this.emoji = EmojiServiceGrpc.newBlockingStub(emojiChannel);
    this.voting = VotingServiceGrpc.newBlockingStub(votingChannel);
  }

  /** Answers one API path with its query parameters; unknown paths are 404. */
  Reply handle(String path, Map<String, String> query) {
    try {
      return switch (path) {
        case "/api/list" -> new Reply(200, list());
        case "/api/vote" -> new Reply(200, vote(query.get("choice")));
        case "/api/leaderboard" -> new Reply(200, leaderboard());
        default -> new Reply(404, new ErrorBody("no such API: " + path));
      };
    } catch (ApiError.Failure failure) {
      return switch (failure.error()) {
        case ApiError.BadRequest(String message) -> new Reply(400, new ErrorBody(message));
        case ApiError.UpstreamFailed(String service, var status) ->
            new Reply(
                500,
                new ErrorBody(
                    service + " failed: " + status.getCode()
                        + (status.getDescription() == null ? "" : ": " + status.getDescription())));
      };
    }
  }

  private List<EmojiView> list() {
    return allEmoji().stream().map(e -> new EmojiView(e.getShortcode(), e.getUnicode())).toList();
  }

  private Voted vote(String choice) {
    if (choice == null || choice.isBlank()) {
      throw new ApiError.Failure(
          new ApiError.BadRequest("choice: missing (expected: e.g. /api/vote?choice=:joy:)"));
    }
    boolean known =
        call("emoji-svc", () -> emoji()
            .findByShortcode(FindByShortcodeRequest.newBuilder().setShortcode(choice).build())
            .hasEmoji());
    if (!known) {
      throw new ApiError.Failure(
          new ApiError.BadRequest("choice: " + choice + " is not an emoji shortcode (see /api/list)"));
    }
    call("voting-svc", () -> votingStub().vote(VoteRequest.newBuilder().setShortcode(choice).build()));
    return new Voted(choice);
  }

  private List<Standing> leaderboard() {
    List<VotingResult> results =
        call("voting-svc", () -> votingStub().results(ResultsRequest.getDefaultInstance()).getResultsList());
    Map<String, String> unicode =
        allEmoji().stream().collect(Collectors.toMap(Emoji::getShortcode, Emoji::getUnicode));
    return results.stream()
        .map(r -> new Standing(r.getShortcode(), unicode.getOrDefault(r.getShortcode(), "?"), r.getVotes()))
        .toList();
  }

  private List<Emoji> allEmoji() {
    return call("emoji-svc", () -> emoji().listAll(ListAllEmojiRequest.getDefaultInstance()).getListList());
  }

  private EmojiServiceGrpc.EmojiServiceBlockingStub emoji() {
    return emoji.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private VotingServiceGrpc.VotingServiceBlockingStub votingStub() {
    return voting.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private static <T> T call(String service, Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw new ApiError.Failure(new ApiError.UpstreamFailed(service, e.getStatus()));
    }
  }
}
