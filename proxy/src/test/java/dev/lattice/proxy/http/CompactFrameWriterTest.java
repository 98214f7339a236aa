package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The compact writer puts exactly the bytes on the wire that Netty's writer does — same frames in
 * the same order, same HPACK state from frame to frame — but gathers the frames written between
 * two seals (the connection handler seals before each flush) into one buffer.
 */
class CompactFrameWriterTest {
  private static Http2Headers request(String path) {
    return new DefaultHttp2Headers().method("GET").scheme("http").authority("upstream.test:8080").path(path)
        .add("user-agent", "compact-writer-test").add("accept", "*/*");
  }

  private static Http2Headers response(int length) {
    return new DefaultHttp2Headers().status("200").add("content-type", "text/plain")
        .add("content-length", Integer.toString(length)).add("server", "test");
  }

  private static Http2Headers huge() {
    Http2Headers headers = response(0);
    for (int i = 0; i < 40; i++) {
      headers.add("x-filler-" + i, "v".repeat(1000) + i);
    }
    return headers;
  }

  private static ByteBuf bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return Unpooled.wrappedBuffer(b);
  }

  /** What one writer puts on the wire for {@code frames}, and how many writes it took. */
  private record Wire(String hex, int writes) {}

  private static Wire wire(Http2FrameWriter writer, BiConsumer<Http2FrameWriter, ChannelHandlerContext> frames) {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    ChannelHandlerContext ctx = channel.pipeline().firstContext();
    frames.accept(writer, ctx);
    if (writer instanceof CompactFrameWriter compact) {
      compact.seal(); // as the connection handler does before it flushes
    }
    channel.flush();
    ByteBuf all = Unpooled.buffer();
    int writes = 0;
    for (ByteBuf b; (b = channel.readOutbound()) != null; writes++) {
      all.writeBytes(b);
      b.release();
    }
    channel.finishAndReleaseAll();
    return new Wire(ByteBufUtil.hexDump(all), writes);
  }

  private static DefaultHttp2FrameWriter netty() {
    return new DefaultHttp2FrameWriter(Http2HeadersEncoder.NEVER_SENSITIVE, true);
  }

  private static void assertSameBytes(BiConsumer<Http2FrameWriter, ChannelHandlerContext> frames, int compactWrites) {
    Wire expected = wire(netty(), frames);
    Wire actual = wire(new CompactFrameWriter(), frames);
    assertThat(actual.hex()).isEqualTo(expected.hex());
    assertThat(actual.writes()).isEqualTo(compactWrites);
  }

  @Test
  void headersBetweenFlushesAreOneWriteWithTheSameBytesAndHpackStateAcrossFrames() {
    assertSameBytes((w, ctx) -> {
      w.writeHeaders(ctx, 1, request("/a"), 0, true, ctx.newPromise());
      w.writeHeaders(ctx, 3, request("/b"), 0, false, ctx.newPromise());
      w.writeHeaders(ctx, 3, new DefaultHttp2Headers().add("grpc-status", "0"), 0, true, ctx.newPromise());
      w.writeHeaders(ctx, 5, request("/a"), 0, true, ctx.newPromise());
    }, 1);
  }

  @Test
  void aHeaderBlockOverTheFrameSizeBecomesHeadersAndContinuationFrames() {
    assertSameBytes((w, ctx) -> {
      w.writeHeaders(ctx, 7, huge(), 0, true, ctx.newPromise());
      w.writeHeaders(ctx, 9, huge(), 0, false, ctx.newPromise());
    }, 1);
  }

  @Test
  void smallDataFramesJoinTheBatchAndLargerOnesMatchNettysFraming() {
    assertSameBytes((w, ctx) -> {
      w.writeData(ctx, 1, Unpooled.EMPTY_BUFFER, 0, true, ctx.newPromise());
      w.writeData(ctx, 3, bytes(100, 1), 0, false, ctx.newPromise());
      w.writeData(ctx, 3, bytes(CompactFrameWriter.COPY_LIMIT, 2), 0, true, ctx.newPromise());
    }, 1);
    assertSameBytes((w, ctx) -> w.writeData(ctx, 5, bytes(CompactFrameWriter.COPY_LIMIT + 1, 3), 0, false,
        ctx.newPromise()), 2);
    // Over the peer's frame size (16 KiB by default): split into several frames as Netty does.
    assertSameBytes((w, ctx) -> w.writeData(ctx, 5, bytes(40_000, 4), 0, true, ctx.newPromise()), 6);
  }

  @Test
  void paddedAndPrioritisedFramesGoThroughNettysWriter() {
    assertSameBytes((w, ctx) -> {
      w.writeHeaders(ctx, 1, request("/p"), 10, false, ctx.newPromise());
      w.writeHeaders(ctx, 3, request("/q"), 1, (short) 16, false, 0, true, ctx.newPromise());
      w.writeData(ctx, 1, bytes(50, 5), 20, true, ctx.newPromise());
    }, 8);
  }

  @Test
  void theCallersPromiseCompletesAndTheSourceBufferIsReleased() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    ChannelHandlerContext ctx = channel.pipeline().firstContext();
    CompactFrameWriter writer = new CompactFrameWriter();
    ByteBuf data = bytes(64, 6);
    ChannelFuture dataWritten = writer.writeData(ctx, 1, data, 0, true, ctx.newPromise());
    ChannelFuture headersWritten = writer.writeHeaders(ctx, 3, response(0), 0, true, ctx.newPromise());
    assertThat(data.refCnt()).isZero();
    assertThat(dataWritten.isDone()).isFalse();
    writer.seal();
    channel.flush();
    assertThat(dataWritten.isSuccess()).isTrue();
    assertThat(headersWritten.isSuccess()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void aWriteOnAClosedChannelFailsItsPromiseAndReleasesItsBytes() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    ChannelHandlerContext ctx = channel.pipeline().firstContext();
    channel.close();
    CompactFrameWriter writer = new CompactFrameWriter();
    ByteBuf data = bytes(64, 7);
    List<ChannelFuture> writes = new ArrayList<>();
    writes.add(writer.writeData(ctx, 1, data, 0, true, ctx.newPromise()));
    writes.add(writer.writeHeaders(ctx, 3, response(0), 0, true, ctx.newPromise()));
    writer.seal();
    assertThat(data.refCnt()).isZero();
    assertThat(writes).allSatisfy(f -> assertThat(f.cause()).isNotNull());
  }

  @Test
  void controlFramesJoinTheBatchAndOthersHandItOnFirstSoFramesKeepTheirOrder() {
    assertSameBytes((w, ctx) -> {
      w.writeHeaders(ctx, 1, request("/a"), 0, false, ctx.newPromise());
      w.writeWindowUpdate(ctx, 0, 65_535, ctx.newPromise());
      w.writeWindowUpdate(ctx, 1, 1024, ctx.newPromise());
      w.writePing(ctx, true, 42L, ctx.newPromise());
      w.writeSettingsAck(ctx, ctx.newPromise());
      w.writeRstStream(ctx, 1, 8, ctx.newPromise()); // CANCEL
      w.writeSettings(ctx, new Http2Settings().maxConcurrentStreams(7), ctx.newPromise());
      w.writeHeaders(ctx, 3, request("/b"), 0, true, ctx.newPromise());
      w.writeGoAway(ctx, 3, 0, Unpooled.EMPTY_BUFFER, ctx.newPromise());
      w.writeData(ctx, 5, bytes(10, 8), 0, true, ctx.newPromise());
    }, 6); // the batch, SETTINGS, the batch, GOAWAY (its frame, then its debug data), the batch
  }

  @Test
  void aBatchNeverHandedOnIsReleasedAndItsPromisesFailWhenTheConnectionCloses() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    ChannelHandlerContext ctx = channel.pipeline().firstContext();
    CompactFrameWriter writer = new CompactFrameWriter();
    ChannelFuture headersWritten = writer.writeHeaders(ctx, 1, response(5), 0, false, ctx.newPromise());
    writer.writeData(ctx, 1, bytes(5, 9), 0, true, ctx.voidPromise());
    assertThat(writer.batchedBytes()).isPositive();
    writer.close();
    assertThat(headersWritten.cause()).isInstanceOf(ClosedChannelException.class);
    assertThat(writer.batchedBytes()).isZero();
    channel.flush();
    assertThat((Object) channel.readOutbound()).isNull();
    channel.finishAndReleaseAll();
  }
}
