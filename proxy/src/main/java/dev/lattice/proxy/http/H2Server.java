package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The client-facing HTTP/2 server of one connection, at frame level: each request stream becomes an
 * {@link Exchange} directly — no child channel, no pipeline and no message conversion per stream.
 * Request body window is returned to the client only as the body is written upstream.
 */
final class H2Server extends Http2FrameAdapter {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(H2Server.class);
  private final Supplier<HttpRoutes> routes;
  private final Http2ConnectionHandler handler;
  private final Http2Connection connection;
  private final Http2Connection.PropertyKey streamKey;
  private ChannelHandlerContext ctx;

  private H2Server(Supplier<HttpRoutes> routes, Duration grace) {
    this.routes = routes;
    this.handler = H2Handlers.server(this, grace);
    this.connection = handler.connection();
    this.streamKey = connection.newKey();
    connection.addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamClosed(Http2Stream stream) {
        Stream s = stream.removeProperty(streamKey);
        if (s != null) {
          s.closed();
        }
      }
    });
  }

  /** Adds the HTTP/2 server (with flush batching below it) at the end of {@code pipeline}. */
  static void install(ChannelPipeline pipeline, Supplier<HttpRoutes> routes, Duration grace) {
    H2Server server = new H2Server(routes, grace);
    H2Handlers.addTo(pipeline, server.handler);
    server.ctx = pipeline.context(server.handler);
    H2Settings.widenConnectionWindow(server.handler);
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream)
      throws Http2Exception {
    Http2Stream stream = connection.stream(streamId);
    if (stream == null) {
      return;
    }
    Stream s = stream.getProperty(streamKey);
    if (s == null) {
      s = new Stream(streamId);
      stream.setProperty(streamKey, s);
      s.exchange = new Exchange(s, routes.get());
      try {
        s.exchange.start(headers, endOfStream, null, false);
      } catch (RuntimeException e) {
        // A bug must cost this one stream, not every stream of the connection (which is what an
        // exception escaping to the codec would do).
        log.warn("request on stream {} failed inside the proxy; resetting the stream", streamId, e);
        s.exchange.downClosed();
        s.reset(Http2Error.INTERNAL_ERROR);
      }
    } else {
      s.exchange.requestTrailers(headers);
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
      short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  @Override
  public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    Http2Stream stream = connection.stream(streamId);
    Stream s = stream == null ? null : stream.getProperty(streamKey);
    if (s == null) {
      return data.readableBytes() + padding;
    }
    // The window for these bytes comes back when they have been written upstream (consumed()).
    s.exchange.requestData(data.retain(), endOfStream);
    return padding;
  }

  private void flush() {
    handler.flush(ctx);
  }

  /** One request stream: the exchange's view of the client. */
  private final class Stream implements Downstream {
    private final int id;
    private Exchange exchange;

    Stream(int id) {
      this.id = id;
    }

    @Override
    public EventLoop loop() {
      return ctx.channel().eventLoop();
    }

    @Override
    public boolean isHttp2() {
      return true;
    }

    @Override
    public void responseHead(Http2Headers head, boolean endOfStream) {
      handler.encoder().writeHeaders(ctx, id, head, 0, endOfStream, ctx.voidPromise());
      flush();
    }

    @Override
    public void responseData(ByteBuf data, boolean endOfStream, BodySource source) {
      H2DataWrites.write(handler, ctx, id, data, endOfStream, source);
      flush();
    }

    @Override
    public void responseTrailers(Http2Headers trailers) {
      handler.encoder().writeHeaders(ctx, id, trailers, 0, true, ctx.voidPromise());
      flush();
    }

    @Override
    public void flush() {
      H2Server.this.flush();
    }

    @Override
    public void abort() {
      reset(Http2Error.INTERNAL_ERROR);
    }

    /** Never asked for: an HTTP/2 stream carries no Upgrade (RFC 9113 §8.6). */
    @Override
    public void switchProtocols(Http2Headers head, io.netty.channel.Channel upstream, ByteBuf early) {
      if (early != null) {
        early.release();
      }
      upstream.close();
      abort();
    }

    @Override
    public void finished(Exchange exchange, boolean requestComplete, boolean keepAlive) {
      if (!requestComplete) {
        // Answered before the request ended (RFC 9113 §8.1): the client may stop sending.
        reset(Http2Error.NO_ERROR);
      }
    }

    private void reset(Http2Error error) {
      Http2Stream stream = connection.stream(id);
      if (stream != null) {
        handler.resetStream(ctx, id, error.code(), ctx.voidPromise());
        flush();
      }
    }

    @Override
    public void consumed(int bytes) {
      EventLoop loop = loop();
      if (loop.inEventLoop()) {
        returnWindow(bytes);
      } else {
        loop.execute(() -> returnWindow(bytes));
      }
    }

    private void returnWindow(int bytes) {
      Http2Stream stream = connection.stream(id);
      if (stream == null) {
        return;
      }
      try {
        if (connection.local().flowController().consumeBytes(stream, bytes)) {
          flush(); // a WINDOW_UPDATE was written
        }
      } catch (Http2Exception e) {
        handler.resetStream(ctx, id, Http2Error.FLOW_CONTROL_ERROR.code(), ctx.voidPromise());
        flush();
      }
    }

    /** The stream closed (ended both ways, reset by the client, or the connection went away). */
    void closed() {
      exchange.downClosed();
    }
  }
}
