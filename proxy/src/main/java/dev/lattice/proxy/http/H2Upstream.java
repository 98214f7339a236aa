package dev.lattice.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.function.Function;

/**
 * One multiplexed HTTP/2 connection to an endpoint (a peer proxy over mTLS, or the local app over
 * h2c), opened on first use and replaced when it closes or the server sends GOAWAY. Every request
 * is a new stream on it.
 */
public final class H2Upstream implements Upstream {
  /** Stateless (sharable): one instance serves every stream of every connection. */
  private static final Http2StreamFrameToHttpObjectCodec STREAM_CODEC = new Http2StreamFrameToHttpObjectCodec(false, true);
  private static final AttributeKey<Http2StreamChannelBootstrap> STREAMS = AttributeKey.valueOf("lattice.h2.streams");

  private final Function<EventLoop, Future<Channel>> connect;
  private final EventLoop home;
  private Future<Channel> connection;

  /**
   * @param connect opens the raw connection (TLS done, transport header written), not reading yet
   * @param home the event loop the shared connection lives on
   */
  public H2Upstream(Function<EventLoop, Future<Channel>> connect, EventLoop home) {
    this.connect = connect;
    this.home = home;
  }

  @Override
  public boolean isHttp2() {
    return true;
  }

  @Override
  public Future<Channel> open(EventLoop loop) {
    Future<Channel> conn = connection();
    Promise<Http2StreamChannel> stream = home.newPromise();
    if (conn.isSuccess()) {
      openStream(conn, stream);
    } else {
      conn.addListener(f -> {
        if (f.isSuccess()) {
          openStream(conn, stream);
        } else {
          stream.tryFailure(f.cause());
        }
      });
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Future<Channel> result = (Future) stream;
    return result;
  }

  /**
   * Opens a stream with the connection's one bootstrap straight into {@code stream}: no initializer
   * to run and remove, no second promise — this runs once per request.
   */
  private void openStream(Future<Channel> conn, Promise<Http2StreamChannel> stream) {
    conn.getNow().attr(STREAMS).get().open(stream).addListener(s -> {
      if (!s.isSuccess()) {
        forget(conn);
      }
    });
  }

  @Override
  public void release(Channel exchange, boolean reusable) {
    // A stream is never reused; closing one that already ended both ways is a no-op.
    if (!reusable && exchange.isActive()) {
      exchange.close();
    }
  }

  /** Closes the shared connection (GOAWAY), e.g. on shutdown. */
  public synchronized void close() {
    if (connection != null && connection.isSuccess()) {
      connection.getNow().close();
    }
    connection = null;
  }

  private synchronized Future<Channel> connection() {
    Future<Channel> c = connection;
    if (c != null && (!c.isDone() || (c.isSuccess() && c.getNow().isActive()))) {
      return c;
    }
    Promise<Channel> ready = home.newPromise();
    connection = ready;
    connect.apply(home).addListener(f -> {
      if (!f.isSuccess()) {
        forget(ready);
        ready.tryFailure(f.cause());
        return;
      }
      Channel ch = (Channel) f.getNow();
      ch.eventLoop().execute(() -> {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
            .initialSettings(Http2Settings.defaultSettings().initialWindowSize(HttpServers.STREAM_WINDOW).pushEnabled(false))
            .autoAckPingFrame(true)
            .build();
        ch.pipeline().addLast(FlushBatching.NAME, FlushBatching.create());
        ch.pipeline().addLast("h2", codec);
        ch.pipeline().addLast("h2-streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        ch.pipeline().addLast("h2-lifecycle", new Lifecycle(ready));
        ch.attr(STREAMS).set(new Http2StreamChannelBootstrap(ch)
            .option(io.netty.channel.ChannelOption.AUTO_READ, false)
            .handler(STREAM_CODEC));
        H2Windows.widenConnectionWindow(codec);
        ch.config().setAutoRead(true);
        ch.closeFuture().addListener(x -> forget(ready));
        ready.trySuccess(ch);
      });
    });
    return ready;
  }

  private synchronized void forget(Future<Channel> which) {
    if (connection == which) {
      connection = null;
    }
  }

  /** Stops handing out a connection the server is going away from; existing streams finish. */
  private final class Lifecycle extends ChannelInboundHandlerAdapter {
    private final Future<Channel> self;

    Lifecycle(Future<Channel> self) {
      this.self = self;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame) {
        forget(self);
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      forget(self);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      forget(self);
      ctx.close();
    }
  }
}
