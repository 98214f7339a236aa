package dev.lattice.proxy.testing;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.tcp.TransportHeader;
import dev.lattice.proxy.tls.MeshTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a peer proxy looks like to proxy B's inbound: mTLS with a mesh identity, the transport-header
 * ALPN and header naming the app port and HTTP/2, then HTTP/2 prior knowledge. Lets a test see the
 * exact response B gives a meshed client ({@code l5d-proxy-error}, {@code l5d-proxy-connection},
 * {@code l5d-orig-proto}), which proxy A would otherwise strip. Also usable as a plain h2c client
 * with exact control of frames (a stream reset, trailers without a body).
 */
public final class MeshClient implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private final Http2ConnectionHandler handler;
  private final Listener listener = new Listener();

  /** One response as B sent it; {@code reset} is the RST_STREAM code, or -1. */
  public record Response(Http2Headers head, byte[] body, Http2Headers trailers, long reset) {
    public String header(String name) {
      CharSequence v = head == null ? null : head.get(name);
      return v == null ? null : v.toString();
    }
  }

  /** Connects as {@code self} to {@code proxy} (which must prove {@code peer}) for the app on {@code appPort}. */
  public MeshClient(TestPki pki, IdentityName self, IdentityName peer, InetSocketAddress proxy, int appPort) throws Exception {
    MeshTls tls = MeshTls.create(new StaticCredentialSource(pki.leaf(self)), Clock.systemUTC());
    SslHandler ssl = tls.newClientHandler(ByteBufAllocator.DEFAULT, peer, proxy.getPort(), Duration.ofSeconds(10));
    handler = newHandler();
    channel = connect(proxy, ssl);
    ssl.handshakeFuture().sync();
    if (!MeshTls.TRANSPORT_HEADER_ALPN.equals(ssl.applicationProtocol())) {
      throw new IllegalStateException("no transport header ALPN: " + ssl.applicationProtocol());
    }
    // Header and HTTP/2 handler in one event-loop task: the proxy answers the header with its
    // SETTINGS at once, and bytes read before the handler is there would be dropped (the handler
    // would then reject the connection for a missing server preface).
    channel.eventLoop().submit(() -> {
      ByteBuf header = channel.alloc().buffer();
      TransportHeader.http(appPort, TransportHeader.SessionProtocol.HTTP2).encode(header);
      channel.writeAndFlush(header);
      channel.pipeline().addLast(handler);
    }).sync();
  }

  /** A plain h2c (prior knowledge) client, e.g. an application talking to proxy A's outbound. */
  public MeshClient(InetSocketAddress address) throws Exception {
    handler = newHandler();
    channel = connect(address, null);
    channel.eventLoop().submit(() -> channel.pipeline().addLast(handler)).sync();
  }

  private Http2ConnectionHandler newHandler() {
    return new Http2ConnectionHandlerBuilder().server(false).frameListener(listener)
        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build();
  }

  private Channel connect(InetSocketAddress address, SslHandler ssl) throws InterruptedException {
    return new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (ssl != null) {
              ch.pipeline().addLast(ssl);
            }
          }
        })
        .connect(address).sync().channel();
  }

  /**
   * Starts a body-less request and returns its stream id without waiting; {@link #received} counts
   * its response body bytes as they arrive.
   */
  public int start(Http2Headers head) throws Exception {
    CompletableFuture<Response> done = new CompletableFuture<>();
    return channel.eventLoop().submit(() -> {
      ChannelHandlerContext ctx = channel.pipeline().context(handler);
      int id = handler.connection().local().incrementAndGetNextStreamId();
      listener.start(id, done);
      handler.encoder().writeHeaders(ctx, id, head, 0, true, ctx.newPromise());
      ctx.flush();
      return id;
    }).get(10, TimeUnit.SECONDS);
  }

  /** Response body bytes received so far on the stream in flight. */
  public long received() {
    return listener.received;
  }

  /** Resets stream {@code id} with CANCEL, as a client that lost interest does. */
  public void cancel(int id) throws Exception {
    channel.eventLoop().submit(() -> {
      ChannelHandlerContext ctx = channel.pipeline().context(handler);
      handler.resetStream(ctx, id, io.netty.handler.codec.http2.Http2Error.CANCEL.code(), ctx.newPromise());
      ctx.flush();
    }).sync();
  }

  /** Sends one request ({@code body} null: no body) and waits for its response. */
  public Response exchange(Http2Headers head, byte[] body) throws Exception {
    CompletableFuture<Response> done = new CompletableFuture<>();
    channel.eventLoop().submit(() -> {
      ChannelHandlerContext ctx = channel.pipeline().context(handler);
      int id = handler.connection().local().incrementAndGetNextStreamId();
      listener.start(id, done);
      handler.encoder().writeHeaders(ctx, id, head, 0, body == null, ctx.newPromise());
      if (body != null) {
        handler.encoder().writeData(ctx, id, Unpooled.wrappedBuffer(body), 0, true, ctx.newPromise());
      }
      ctx.flush();
    }).sync();
    return done.get(20, TimeUnit.SECONDS);
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Collects the frames of the one stream in flight. */
  private static final class Listener extends Http2FrameAdapter {
    private int id;
    private CompletableFuture<Response> done;
    private Http2Headers head;
    private ByteArrayOutputStream body;
    volatile long received;

    void start(int id, CompletableFuture<Response> done) {
      this.id = id;
      this.done = done;
      this.head = null;
      this.body = new ByteArrayOutputStream();
      this.received = 0;
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
      if (streamId != id) {
        return;
      }
      if (head == null) {
        head = headers;
        if (endOfStream) {
          done.complete(new Response(head, body.toByteArray(), null, -1));
        }
      } else {
        done.complete(new Response(head, body.toByteArray(), headers, -1));
      }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
        short weight, boolean exclusive, int padding, boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      int n = data.readableBytes() + padding;
      if (streamId == id) {
        received += data.readableBytes();
        if (body.size() > 1 << 20) {
          return n; // a long stream: count it, keep only its start
        }
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        body.writeBytes(bytes);
        if (endOfStream) {
          done.complete(new Response(head, body.toByteArray(), null, -1));
        }
      }
      return n;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
      if (streamId == id) {
        done.complete(new Response(head, body.toByteArray(), null, errorCode));
      }
    }
  }
}
