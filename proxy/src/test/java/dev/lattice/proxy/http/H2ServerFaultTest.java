package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failure inside the proxy while starting one request costs that stream only: it is reset with
 * INTERNAL_ERROR, and the connection (and its other streams) carry on — no GOAWAY.
 */
class H2ServerFaultTest {
  @Test
  void anExceptionWhileStartingARequestResetsOnlyThatStream() throws Exception {
    HttpRoutes failing = new HttpRoutes() {
      @Override
      public Upstream upstream(boolean http1) {
        throw new IllegalStateException("no upstream in this test");
      }

      @Override
      public void rewriteRequest(Http2Headers headers) {}

      @Override
      public void rewriteResponse(Http2Headers headers) {}

      @Override
      public boolean explainErrors() {
        return false;
      }

      @Override
      public HttpMetrics.Target metrics() {
        return new HttpMetrics(new dev.lattice.proxy.metrics.MetricsRegistry(), java.time.Duration.ofMinutes(10), System::nanoTime)
            .acquire(dev.lattice.proxy.metrics.Labels.of("direction", "inbound"));
      }

      @Override
      public ProxyErrors.Refusal refuse(Http2Headers request, boolean grpc) {
        // The second request is refused before any upstream is asked: the connection still works.
        return request.path().toString().equals("/refused")
            ? new ProxyErrors.Refusal(new ProxyErrors.Failure(
                io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN, 7, "test"), false, false)
            : null;
      }
    };
    EmbeddedChannel channel = new EmbeddedChannel();
    HttpServers.http2(channel.pipeline(), () -> failing, Duration.ofSeconds(1));

    DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    ChannelHandlerContext clientCtx = new EmbeddedChannel(new io.netty.channel.ChannelInboundHandlerAdapter()).pipeline().firstContext();
    ByteBuf in = Unpooled.buffer();
    in.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
    ByteBuf frames = capture(() -> {
      EmbeddedChannel sink = new EmbeddedChannel();
      ChannelHandlerContext ctx = sink.pipeline().addLast(new io.netty.channel.ChannelOutboundHandlerAdapter())
          .firstContext();
      writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
      writer.writeHeaders(ctx, 1, head("/boom"), 0, true, ctx.newPromise());
      writer.writeHeaders(ctx, 3, head("/refused"), 0, true, ctx.newPromise());
      sink.flush();
      return sink;
    });
    in.writeBytes(frames);
    channel.writeInbound(in);
    channel.runPendingTasks();

    List<String> seen = new ArrayList<>();
    ByteBuf out = Unpooled.buffer();
    Object o;
    while ((o = channel.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      out.writeBytes(b);
      b.release();
    }
    new DefaultHttp2FrameReader().readFrame(clientCtx, out, new Http2FrameAdapter() {
      @Override
      public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        seen.add("RST " + streamId + " " + Http2Error.valueOf(errorCode));
      }

      @Override
      public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean end) {
        seen.add("HEADERS " + streamId + " " + headers.status());
      }

      @Override
      public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        seen.add("GOAWAY " + Http2Error.valueOf(errorCode));
      }
    });
    assertThat(seen).contains("RST 1 INTERNAL_ERROR", "HEADERS 3 403").noneMatch(s -> s.startsWith("GOAWAY"));
    assertThat(channel.isActive()).isTrue();
    channel.finishAndReleaseAll();
  }

  private static Http2Headers head(String path) {
    return new DefaultHttp2Headers().method("GET").path(path).scheme("http").authority("app");
  }

  private static ByteBuf capture(java.util.concurrent.Callable<EmbeddedChannel> write) throws Exception {
    EmbeddedChannel sink = write.call();
    ByteBuf all = Unpooled.buffer();
    Object o;
    while ((o = sink.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      all.writeBytes(b);
      b.release();
    }
    return all;
  }
}
