package dev.lattice.demo.emoji;

import dev.lattice.demo.proto.EmojiServiceGrpc;
import dev.lattice.demo.proto.FindByShortcodeRequest;
import dev.lattice.demo.proto.FindByShortcodeResponse;
import dev.lattice.demo.proto.ListAllEmojiRequest;
import dev.lattice.demo.proto.ListAllEmojiResponse;
import io.grpc.stub.StreamObserver;

/** The gRPC {@code emojivoto.v1.EmojiService}, answering from a catalogue. */
public final class EmojiApi extends EmojiServiceGrpc.EmojiServiceImplBase {
  private final EmojiCatalog catalog;

  public EmojiApi(EmojiCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void listAll(ListAllEmojiRequest request, StreamObserver<ListAllEmojiResponse> response) {
    response.onNext(ListAllEmojiResponse.newBuilder().addAllList(catalog.all()).build());
    response.onCompleted();
  }

  @Override
  public void findByShortcode(
      FindByShortcodeRequest request, StreamObserver<FindByShortcodeResponse> response) {
    // Not found is an ordinary answer (no emoji), not a gRPC error: a typo is not a server failure.
    FindByShortcodeResponse.Builder reply = FindByShortcodeResponse.newBuilder();
    catalog.find(request.getShortcode()).ifPresent(reply::setEmoji);
    response.onNext(reply.build());
    response.onCompleted();
  }
}
