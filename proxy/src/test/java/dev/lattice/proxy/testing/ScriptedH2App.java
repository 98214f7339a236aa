package dev.lattice.proxy.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An h2c (prior knowledge) application at frame level, for answers a normal server never gives:
 * The behaviour is chosen by path; "once" is per path including its query.
 * <ul>
 *   <li>{@code /refuse-once}: the first such request gets RST_STREAM(REFUSED_STREAM), later ones 200
 *   <li>{@code /goaway-once}: the first such request gets GOAWAY with last-stream-id below it (its
 *       connection then closes), later ones 200
 *   <li>{@code /refuse-always}: every request gets RST_STREAM(REFUSED_STREAM)
 *   <li>{@code /trailers-only}: one HEADERS frame, {@code :status 200} plus {@code grpc-status: 5}, ending the stream
 *   <li>{@code /trailers-no-body}: a response HEADERS frame, then a trailers HEADERS frame, no DATA
 *   <li>anything else: 200 "ok" once the request has ended
 * </ul>
 * It counts request HEADERS frames per path and the connections it accepted.
 */
public final class ScriptedH2App implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  /** Paths (with their query) already refused or gone away from once. */
  private final java.util.Set<String> onceDone = java.util.concurrent.ConcurrentHashMap.newKeySet();
  public final AtomicInteger connections = new AtomicInteger();
  /** Every request head that arrived, by path. */
  public final java.util.Map<String, AtomicInteger> heads = new java.util.concurrent.ConcurrentHashMap<>();

  public ScriptedH2App() {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.incrementAndGet();
            Listener listener = new Listener();
            Http2ConnectionHandler handler = new Http2ConnectionHandlerBuilder().server(true).frameListener(listener).build();
            listener.handler = handler;
            ch.pipeline().addLast(handler);
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** How many request heads for {@code path} arrived. */
  public int heads(String path) {
    AtomicInteger n = heads.get(path);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The path without its query: the query only tells otherwise equal requests apart. */
  private static String route(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private final class Listener extends Http2FrameAdapter {
    Http2ConnectionHandler handler;
    private final java.util.Map<Integer, String> paths = new java.util.HashMap<>();

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
      String path = headers.path() == null ? "" : headers.path().toString();
      if (headers.method() == null) {
        path = paths.getOrDefault(streamId, ""); // request trailers
      } else {
        heads.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        paths.put(streamId, path);
        switch (route(path)) {
          case "/refuse-always" -> {
            refuse(ctx, streamId);
            return;
          }
          case "/refuse-once" -> {
            if (onceDone.add(path)) {
              refuse(ctx, streamId);
              return;
            }
          }
          case "/goaway-once" -> {
            if (onceDone.add(path)) {
              // "Streams up to streamId - 2 were (or will be) processed": this one was not.
              handler.goAway(ctx, Math.max(0, streamId - 2), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, ctx.newPromise());
              ctx.flush();
              ctx.close();
              return;
            }
          }
          default -> { }
        }
      }
      if (endOfStream) {
        respond(ctx, streamId, path);
      }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
        short weight, boolean exclusive, int padding, boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      if (endOfStream && handler.connection().stream(streamId) != null) {
        respond(ctx, streamId, paths.getOrDefault(streamId, ""));
      }
      return data.readableBytes() + padding;
    }

    private void refuse(ChannelHandlerContext ctx, int streamId) {
      handler.resetStream(ctx, streamId, Http2Error.REFUSED_STREAM.code(), ctx.newPromise());
      ctx.flush();
    }

    private void respond(ChannelHandlerContext ctx, int streamId, String path) {
      paths.remove(streamId);
      var encoder = handler.encoder();
      switch (route(path)) {
        case "/trailers-only" -> encoder.writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("200")
            .set("content-type", "application/grpc").set("grpc-status", "5").set("grpc-message", "not here"),
            0, true, ctx.newPromise());
        case "/trailers-no-body" -> {
          encoder.writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("200")
              .set("content-type", "application/grpc"), 0, false, ctx.newPromise());
          encoder.writeHeaders(ctx, streamId, new DefaultHttp2Headers().set("grpc-status", "0")
              .set("x-trailer", "only"), 0, true, ctx.newPromise());
        }
        default -> {
          encoder.writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("200").set("content-length", "2"),
              0, false, ctx.newPromise());
          encoder.writeData(ctx, streamId, Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), 0, true, ctx.newPromise());
        }
      }
      ctx.flush();
    }
  }
}
