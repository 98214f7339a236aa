package dev.lattice.e2e;

import dev.lattice.demo.proto.EmojiServiceGrpc;
import dev.lattice.demo.proto.ListAllEmojiRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A plain grpc-java client, run as its own process inside a workload's network namespace ({@code ip
 * netns exec NS java … GrpcProbe host:port}), so the call leaves from the workload like an app's
 * would: through the workload's proxy when it is meshed, straight to the server's proxy when not.
 * Calls {@code emojivoto.v1.EmojiService/ListAll} once and prints one line: {@code OK <n emoji>}, or
 * {@code ERROR <code> trailers=<sorted keys> description=<description>}.
 */
public final class GrpcProbe {
  private GrpcProbe() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: GrpcProbe host:port");
      System.exit(2);
    }
    ManagedChannel channel = NettyChannelBuilder.forTarget(args[0]).usePlaintext().build();
    try {
      int n = EmojiServiceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS)
          .listAll(ListAllEmojiRequest.getDefaultInstance()).getListCount();
      System.out.println("OK " + n);
    } catch (StatusRuntimeException e) {
      var keys = new TreeSet<String>();
      if (e.getTrailers() != null) {
        keys.addAll(e.getTrailers().keys());
      }
      System.out.println("ERROR " + e.getStatus().getCode() + " trailers=" + String.join(",", keys)
          + " description=" + e.getStatus().getDescription());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
