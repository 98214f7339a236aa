package dev.lattice.proxy.http;

import dev.lattice.proxy.listen.Drain;
import dev.lattice.proxy.tcp.Splice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;

/**
 * The client-facing end of one HTTP/1 connection: requests one after another, each an
 * {@link Exchange}; the HTTP/2-shaped response is written back as HTTP/1 with explicit framing so
 * the connection can stay open. Bytes of pipelined requests wait here, unparsed, until the
 * response before them is done. Malformed requests get a 4xx and the connection closes; a drain
 * closes it once the response in flight is done.
 */
final class H1Server extends ChannelInboundHandlerAdapter implements Downstream, H1Parser.Sink {
  /** Stop reading a request body while this much of it is still on its way upstream. */
  private static final int HIGH_WATER = 64 * 1024;
  private static final int LOW_WATER = 16 * 1024;
  /** Stop reading while this much of the requests behind the current one is waiting. */
  private static final int MAX_WAITING = 64 * 1024;
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpRoutes routes;
  private final H1Input input = new H1Input(H1Parser.Kind.REQUEST, this);
  private final H1Parser parser = input.parser();
  private ChannelHandlerContext ctx;
  private H1Output out;
  private Exchange current;
  private boolean http10;
  private boolean headRequest;
  private boolean keepAlive;
  private boolean requestDone;
  private boolean closeWhenIdle;
  private boolean pausedForBody;
  private boolean readingStopped;
  private int unacked;

  H1Server(HttpRoutes routes) {
    this.routes = routes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.out = new H1Output(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    input.read(ctx.alloc(), in);
    updateReading();
  }

  /** Reads while neither a request body's upstream nor the queue of pipelined requests is full. */
  private void updateReading() {
    boolean stop = pausedForBody || input.waitingBytes() > MAX_WAITING;
    if (stop != readingStopped && ctx.channel().isActive()) {
      readingStopped = stop;
      ctx.channel().config().setAutoRead(!stop);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      Exchange e = current;
      current = null;
      e.downClosed();
    }
    input.release();
    out.discard();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == Drain.SIGNAL) {
      if (current == null) {
        ctx.close();
      } else {
        closeWhenIdle = true;
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  // ---- the request, from the parser ----

  @Override
  public void head(H1Head head, boolean endOfMessage) {
    Http2Headers h = head.headers();
    http10 = head.http10();
    headRequest = H1Parser.HEAD.contentEquals(h.method());
    keepAlive = head.keepAlive() && !closeWhenIdle;
    requestDone = endOfMessage;
    unacked = 0;
    if (endOfMessage) {
      parser.pause(); // the next request waits for this response (the exchange may end right away)
    }
    if (head.expectContinue()) {
      // Answered here: 1xx responses are not relayed across the hop.
      ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
    }
    Exchange e = new Exchange(this, routes);
    current = e;
    e.start(h, endOfMessage, http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, head.absoluteForm(), head.upgrade());
  }

  @Override
  public void body(ByteBuf data, boolean endOfMessage) {
    Exchange e = current;
    if (e == null) {
      data.release(); // the rest of a request already answered (its connection is closing)
      return;
    }
    if (endOfMessage) {
      requestDone = true;
      parser.pause();
    }
    unacked += data.readableBytes();
    if (!endOfMessage && unacked > HIGH_WATER) {
      pausedForBody = true;
    }
    e.requestData(data, endOfMessage);
  }

  @Override
  public void trailers(Http2Headers trailers) {
    Exchange e = current;
    requestDone = true;
    parser.pause();
    if (e != null) {
      e.requestTrailers(trailers);
    }
  }

  @Override
  public void malformed(int status, String reason) {
    if (current != null) {
      ctx.close(); // mid-body: there is no way to answer on this connection any more
      return;
    }
    ByteBuf response = ctx.alloc().buffer(96);
    H1Writer.statusLine(response, false, status);
    H1Writer.field(response, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    H1Writer.field(response, HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    H1Writer.endHead(response);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void consumed(int bytes) {
    EventLoop loop = loop();
    if (!loop.inEventLoop()) {
      loop.execute(() -> consumed(bytes));
      return;
    }
    unacked -= bytes;
    if (pausedForBody && unacked < LOW_WATER) {
      pausedForBody = false;
      updateReading();
    }
  }

  @Override
  public EventLoop loop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public boolean isHttp2() {
    return false;
  }

  // ---- the response, from the exchange ----

  @Override
  public void responseHead(Http2Headers head, boolean endOfStream) {
    if (head.remove(MeshHeaders.PROXY_CONNECTION)) {
      keepAlive = false;
    }
    int status = H1Messages.parseStatus(head.status());
    boolean bodyless = headRequest || status == 204 || status == 304 || status < 200;
    boolean hasLength = head.contains(HttpHeaderNames.CONTENT_LENGTH);
    boolean chunked = false;
    if (!requestDone) {
      keepAlive = false; // answered before the body: the rest of it would look like a new request
    }
    ByteBuf buf = H1Writer.buffer(ctx.alloc(), head, 0);
    H1Writer.statusLine(buf, http10, status);
    H1Writer.fields(buf, head);
    if (!bodyless && !hasLength) {
      if (endOfStream) {
        H1Writer.field(buf, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
      } else if (!http10) {
        H1Writer.field(buf, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        chunked = true;
      } else {
        keepAlive = false; // HTTP/1.0: the body ends when the connection does
      }
    }
    if (!keepAlive) {
      H1Writer.field(buf, HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      H1Writer.field(buf, HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    H1Writer.endHead(buf);
    out.head(buf, endOfStream, chunked, bodyless);
    if (endOfStream) {
      ctx.flush();
    }
  }

  @Override
  public void responseData(ByteBuf data, boolean endOfStream, BodySource source) {
    out.data(data, endOfStream, source);
    ctx.flush();
  }

  @Override
  public void responseTrailers(Http2Headers trailers) {
    out.trailers(trailers);
    ctx.flush();
  }

  @Override
  public void flush() {
    out.flush();
  }

  /**
   * Answers 101 and becomes a tunnel: this handler and its flush batching leave the pipeline, the
   * client's bytes read after the request go to {@code upstream} and everything else is spliced
   * both ways ({@link Splice}) until either side closes. No request is parsed on this connection
   * again: its authorization was the upgrade request's.
   */
  @Override
  public void switchProtocols(Http2Headers head, Channel upstream, ByteBuf early) {
    current = null;
    Channel client = ctx.channel();
    ByteBuf head101 = H1Writer.buffer(ctx.alloc(), head, 0);
    H1Writer.statusLine(head101, false, 101);
    H1Writer.fields(head101, head);
    H1Writer.field(head101, HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    H1Writer.endHead(head101);
    ByteBuf fromClient = input.takeWaiting();
    input.release();
    out.discard();
    ChannelPipeline pipeline = client.pipeline();
    if (pipeline.get(FlushBatching.NAME) != null) {
      pipeline.remove(FlushBatching.NAME);
    }
    pipeline.remove(this);
    client.write(head101, client.voidPromise());
    if (early != null) {
      client.write(early, client.voidPromise());
    }
    client.flush();
    if (fromClient != null) {
      upstream.writeAndFlush(fromClient, upstream.voidPromise());
    }
    Splice.between(client, upstream);
    if (!upstream.isActive()) {
      Splice.closeAfterFlush(client); // it answered 101 and left: the client hears that much
    } else if (!client.isActive()) {
      upstream.close();
    }
  }

  @Override
  public void abort() {
    current = null;
    out.discard();
    ctx.close();
  }

  @Override
  public void finished(Exchange exchange, boolean requestComplete, boolean exchangeKeepAlive) {
    if (exchange != current) {
      return;
    }
    current = null;
    if (!requestComplete || !exchangeKeepAlive || !keepAlive || closeWhenIdle) {
      out.flush();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    // The next pipelined request, if it is here already.
    parser.resume();
    input.parseWaiting();
    updateReading();
  }
}
