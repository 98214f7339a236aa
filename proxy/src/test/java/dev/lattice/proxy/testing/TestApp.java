package dev.lattice.proxy.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "application" behind proxy B in tests: HTTP/1.1 and h2c (prior knowledge) on one port.
 * <ul>
 *   <li>{@code GET /hello} → 200 "hello", echoing what it saw in {@code x-seen-*} headers
 *   <li>{@code POST /digest} → streams the body into SHA-256, answers {@code <hex> <bytes>}
 *   <li>{@code GET /bytes?n=N} → streams N bytes of {@link #pattern} (chunked), respecting backpressure
 *   <li>{@code GET /trailers} → a body followed by trailers {@code x-trailer: yes}
 *   <li>{@code GET /close} → closes the connection without answering
 * </ul>
 */
public final class TestApp implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Channel server;
  public final AtomicInteger connections = new AtomicInteger();
  /** Requests that reached the app (policy tests check that refused ones never do). */
  public final AtomicInteger requests = new AtomicInteger();
  /** HTTP/2 streams currently open at the app (a cancelled request must not stay open here). */
  public final AtomicInteger openH2Streams = new AtomicInteger();

  public TestApp() {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.incrementAndGet();
            ch.pipeline().addLast(new PrefaceSwitch());
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** Byte {@code i} of every /bytes body: cheap to check, not all-equal. */
  public static byte pattern(long i) {
    return (byte) ((i * 31 + (i >>> 8)) & 0xff);
  }

  /** The SHA-256 (hex) of the first {@code n} bytes of {@link #pattern}: what a /bytes body must hash to. */
  public static String patternDigest(long n) {
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] chunk = new byte[1 << 16];
    for (long i = 0; i < n; i += chunk.length) {
      int len = (int) Math.min(chunk.length, n - i);
      for (int k = 0; k < len; k++) {
        chunk[k] = pattern(i + k);
      }
      md.update(chunk, 0, len);
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  /** A loopback port nothing listens on right now (for processes that must be told their ports). */
  public static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** h2c if the connection starts with the HTTP/2 preface, HTTP/1.1 otherwise. */
  private final class PrefaceSwitch extends ByteToMessageDecoder {
    private static final byte[] PRI = "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() < 4) {
        return;
      }
      boolean h2 = in.getByte(in.readerIndex()) == 'P' && in.getByte(in.readerIndex() + 1) == 'R';
      if (h2 && in.readableBytes() < PRI.length) {
        return;
      }
      if (h2) {
        ctx.pipeline().addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer().build());
        ctx.pipeline().addAfter("h2", "mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            openH2Streams.incrementAndGet();
            ch.closeFuture().addListener(f -> openH2Streams.decrementAndGet());
            ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new AppHandler(true));
          }
        }));
      } else {
        ctx.pipeline().addAfter(ctx.name(), "h1", new HttpServerCodec());
        ctx.pipeline().addAfter("h1", "continue", new HttpServerExpectContinueHandler());
        ctx.pipeline().addAfter("continue", "app", new AppHandler(false));
      }
      ctx.pipeline().remove(this);
    }
  }

  private final class AppHandler extends ChannelInboundHandlerAdapter {
    private final boolean h2;
    private HttpRequest request;
    private MessageDigest digest;
    private long bodyBytes;

    AppHandler(boolean h2) {
      this.h2 = h2;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest r) {
          requests.incrementAndGet();
          request = r;
          bodyBytes = 0;
          digest = sha256();
          if (new QueryStringDecoder(r.uri()).path().equals("/close")) {
            ctx.close();
            return;
          }
        }
        if (msg instanceof HttpContent c) {
          bodyBytes += c.content().readableBytes();
          digest.update(c.content().nioBuffer());
        }
        if (msg instanceof LastHttpContent) {
          respond(ctx);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void respond(ChannelHandlerContext ctx) {
      QueryStringDecoder q = new QueryStringDecoder(request.uri());
      switch (q.path()) {
        case "/digest" -> full(ctx, HexFormat.of().formatHex(digest.digest()) + " " + bodyBytes);
        case "/bytes" -> stream(ctx, Long.parseLong(q.parameters().get("n").getFirst()));
        case "/trailers" -> {
          HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          HttpUtil.setTransferEncodingChunked(head, true);
          ctx.write(head);
          LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("with trailers", StandardCharsets.UTF_8));
          last.trailingHeaders().set("x-trailer", "yes");
          ctx.writeAndFlush(last);
        }
        default -> full(ctx, "hello");
      }
    }

    private void full(ChannelHandlerContext ctx, String body) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      HttpUtil.setContentLength(r, r.content().readableBytes());
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      r.headers().set("x-seen-client-id", orNone(request.headers().get("l5d-client-id")));
      r.headers().set("x-seen-orig-proto", orNone(request.headers().get("l5d-orig-proto")));
      r.headers().set("x-seen-require-id", orNone(request.headers().get("l5d-require-id")));
      r.headers().set("x-seen-version", h2 ? "HTTP/2" : request.protocolVersion().text());
      r.headers().set("x-seen-chunked", Boolean.toString(HttpUtil.isTransferEncodingChunked(request)));
      ctx.writeAndFlush(r);
    }

    private void stream(ChannelHandlerContext ctx, long n) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      HttpUtil.setContentLength(head, n);
      ctx.write(head);
      new Object() {
        long sent;

        void pump() {
          while (true) {
            // A closed HTTP/2 stream channel stays "writable" (its writes just fail): without the
            // isActive check a reset arriving mid-burst had this loop produce all n bytes, holding
            // the app's event loop (and every other stream's request) for half a minute.
            while (sent < n && ctx.channel().isActive() && ctx.channel().isWritable()) {
              int len = (int) Math.min(16 * 1024, n - sent);
              ByteBuf buf = ctx.alloc().buffer(len);
              for (int i = 0; i < len; i++) {
                buf.writeByte(pattern(sent + i));
              }
              sent += len;
              ctx.write(sent == n ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf));
            }
            ctx.flush();
            if (sent == n || !ctx.channel().isActive()) {
              return;
            }
            if (!ctx.channel().isWritable()) {
              // The flush may already have made the channel writable again: checked above, so wait.
              ctx.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelWritabilityChanged(ChannelHandlerContext c) {
                  if (c.channel().isWritable()) {
                    c.pipeline().remove(this);
                    pump();
                  }
                }
              });
              return;
            }
          }
        }
      }.pump();
    }

    private static String orNone(String s) {
      return s == null ? "none" : s;
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  static String hex(ByteBuf b) {
    return ByteBufUtil.hexDump(b);
  }
}
