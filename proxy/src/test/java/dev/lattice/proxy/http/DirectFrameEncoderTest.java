package dev.lattice.proxy.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DATA that fits the peer's windows leaves at once and is charged to both windows; everything else
 * still waits in Netty's flow controller, and a stream's bytes arrive whole and in order either way.
 * A stream's first final head written with a void promise leaves at once and counts as sent.
 */
class DirectFrameEncoderTest {
  private static final int STREAM = 1;

  private EmbeddedChannel channel;
  private Http2ConnectionHandler handler;
  private ChannelHandlerContext ctx;

  /** A server with a request on stream 1 and no response yet; its client allows {@code clientWindow} bytes per stream. */
  private void serverWithRequest(int clientWindow) {
    channel = new EmbeddedChannel();
    H2Handlers.addTo(channel.pipeline(), H2Handlers.server(new Http2FrameAdapter(), Duration.ofSeconds(1)));
    handler = channel.pipeline().get(Http2ConnectionHandler.class);
    ctx = channel.pipeline().context(handler);
    channel.writeInbound(H2TestPeer.prefaceAndSettings(new Http2Settings().initialWindowSize(clientWindow)));
    channel.writeInbound(H2TestPeer.clientBytes((w, c) -> w.writeHeaders(c, STREAM,
        new DefaultHttp2Headers().method("GET").scheme("http").authority("a").path("/"), 0, true, c.newPromise())));
  }

  /** Like {@link #serverWithRequest}, with the response head on stream 1 written (through Netty's path). */
  private void serverMidResponse(int clientWindow) {
    serverWithRequest(clientWindow);
    handler.encoder().writeHeaders(ctx, STREAM, new DefaultHttp2Headers().status("200"), 0, false, ctx.newPromise());
  }

  private void writeHead(String status) {
    handler.encoder().writeHeaders(ctx, STREAM, new DefaultHttp2Headers().status(status), 0, false, ctx.voidPromise());
  }

  /** What the client received: the status of each HEADERS frame of stream 1, and any GOAWAY. */
  private List<String> headsReceived() {
    List<String> frames = new ArrayList<>();
    H2TestPeer.readWritten(channel, new Http2FrameAdapter() {
      @Override
      public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
          boolean endOfStream) {
        frames.add("HEADERS " + headers.status());
      }

      @Override
      public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int streamDependency,
          short weight, boolean exclusive, int padding, boolean endOfStream) {
        onHeadersRead(c, streamId, headers, padding, endOfStream);
      }

      @Override
      public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
        frames.add("GOAWAY");
      }
    });
    return frames;
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private ChannelFuture writeData(String body, boolean endOfStream) {
    return handler.encoder().writeData(ctx, STREAM, Unpooled.copiedBuffer(body, US_ASCII), 0, endOfStream,
        channel.unsafe().voidPromise());
  }

  private Http2RemoteFlowController flow() {
    return handler.encoder().flowController();
  }

  private Http2Stream stream() {
    return handler.connection().stream(STREAM);
  }

  /** What the client received: each DATA frame of stream 1 as "payload" or "payload|end". */
  private List<String> dataFramesReceived() {
    List<String> frames = new ArrayList<>();
    H2TestPeer.readWritten(channel, new Http2FrameAdapter() {
      @Override
      public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        if (streamId == STREAM) {
          frames.add(data.toString(US_ASCII) + (endOfStream ? "|end" : ""));
        }
        return data.readableBytes() + padding;
      }
    });
    return frames;
  }

  @Test
  void aFrameThatFitsIsWrittenAtOnceAndChargedToBothWindows() {
    serverMidResponse(65_535);
    Http2Connection connection = handler.connection();
    int connectionWindow = flow().windowSize(connection.connectionStream());

    writeData("hello, mesh", false);

    assertThat(flow().hasFlowControlled(stream())).isFalse();
    assertThat(flow().windowSize(stream())).isEqualTo(65_535 - 11);
    assertThat(flow().windowSize(connection.connectionStream())).isEqualTo(connectionWindow - 11);
    channel.flush();
    assertThat(dataFramesReceived()).containsExactly("hello, mesh");
  }

  @Test
  void theLastFrameClosesTheStreamOnceWritten() {
    serverMidResponse(65_535);

    ChannelFuture written = writeData("bye", true);
    channel.flush();

    assertThat(written.isSuccess()).isTrue();
    assertThat(stream()).isNull(); // closed and removed: the request side had ended already
    assertThat(dataFramesReceived()).containsExactly("bye|end");
  }

  @Test
  void aFrameOverTheStreamWindowWaitsAndTheStreamsLaterFramesQueueBehindIt() {
    serverMidResponse(10);

    writeData("01234", false); // fits: leaves at once
    writeData("56789abcdefghij", false); // 15 bytes against 5 left: waits
    writeData("klm", true); // fits the connection window, but must not overtake the waiting bytes
    assertThat(flow().hasFlowControlled(stream())).isTrue();
    channel.flush();
    assertThat(String.join("", dataFramesReceived())).isEqualTo("0123456789");

    channel.writeInbound(H2TestPeer.clientBytes((w, c) -> w.writeWindowUpdate(c, STREAM, 100, c.newPromise())));
    channel.flush();

    List<String> rest = dataFramesReceived();
    assertThat(String.join("", rest)).isEqualTo("abcdefghijklm|end");
    assertThat(rest.getLast()).endsWith("|end");
    assertThat(stream()).isNull();
  }

  @Test
  void aFrameTheChannelCannotTakeBeforeBecomingUnwritableWaitsInTheFlowController() {
    serverMidResponse(65_535);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));

    writeData("more than sixteen bytes of body", false);

    assertThat(flow().hasFlowControlled(stream())).isTrue();
    channel.config().setWriteBufferWaterMark(WriteBufferWaterMark.DEFAULT);
    channel.flush();
    assertThat(String.join("", dataFramesReceived())).isEqualTo("more than sixteen bytes of body");
  }

  @Test
  void dataOnAStreamWhoseSideHasEndedFailsAsInNettysEncoder() {
    serverMidResponse(65_535);
    writeData("done", true);
    channel.flush();

    ChannelFuture late = handler.encoder().writeData(ctx, STREAM, Unpooled.copiedBuffer("late", US_ASCII), 0, false,
        ctx.newPromise());

    assertThat(late.cause()).isNotNull();
    assertThat(dataFramesReceived()).containsExactly("done|end");
  }

  @Test
  void aFirstHeadWithAVoidPromiseLeavesAtOnceAndCountsAsSent() {
    serverWithRequest(65_535);

    writeHead("200");

    assertThat(stream().isHeadersSent()).isTrue();
    channel.flush();
    assertThat(headsReceived()).containsExactly("HEADERS 200");

    writeHead("204"); // a second head is refused, as Netty refuses it: the connection ends
    // The refusal also reaches the pipeline (the void promise's failure), as it does in Netty's encoder.
    assertThatThrownBy(channel::checkException).hasMessageContaining("sent too many headers");
    channel.flush();
    assertThat(headsReceived()).containsExactly("GOAWAY");
  }

  @Test
  void anInformationalHeadIsLeftToNettysEncoderSoTheFinalHeadStillFollows() {
    serverWithRequest(65_535);

    writeHead("100");
    writeHead("200");
    channel.flush();

    assertThat(headsReceived()).containsExactly("HEADERS 100", "HEADERS 200");
    assertThat(channel.isOpen()).isTrue();
  }
}
