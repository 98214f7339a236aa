package dev.lattice.proxy.http;

import dev.lattice.proxy.listen.Drain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The client-facing end of one HTTP/1 connection: requests one after another (pipelined ones wait
 * in the socket, or here if already read), each an {@link Exchange}; the HTTP/2-shaped response is
 * written back as HTTP/1 with explicit framing so the connection can stay open. Malformed requests
 * get a 400 and the connection closes; a drain closes it once the response in flight is done.
 */
final class H1Server extends ChannelInboundHandlerAdapter implements Downstream {
  /** Stop reading a request body while this much of it is still on its way upstream. */
  private static final int HIGH_WATER = 64 * 1024;
  private static final int LOW_WATER = 16 * 1024;

  private final HttpRoutes routes;
  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange current;
  private HttpVersion version;
  private boolean headRequest;
  private boolean keepAlive;
  private boolean requestDone;
  private boolean absorbEmptyEnd;
  private boolean closeWhenIdle;
  private boolean pausedForBody;
  private int unacked;

  H1Server(HttpRoutes routes) {
    this.routes = routes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (current != null && absorbEmptyEnd && queued.isEmpty() && msg instanceof LastHttpContent last
        && !last.content().isReadable() && last.trailingHeaders().isEmpty() && !last.decoderResult().isFailure()) {
      // The end of a body-less request, which already went upstream with END_STREAM on its head.
      absorbEmptyEnd = false;
      last.release();
      return;
    }
    if (current != null && requestDone || !queued.isEmpty()) {
      queued.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      Exchange e = current;
      current = null;
      e.downClosed();
    }
    Object m;
    while ((m = queued.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
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

  private void dispatch(Object msg) {
    if (current == null) {
      if (msg instanceof HttpRequest request) {
        if (request.decoderResult().isFailure()) {
          ReferenceCountUtil.release(msg);
          badRequest();
          return;
        }
        start(request);
        return;
      }
      // Content without a request: the tail of one answered early (its connection closes).
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release();
        ctx.channel().close();
        return;
      }
      requestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void start(HttpRequest request) {
    version = request.protocolVersion();
    headRequest = HttpMethod.HEAD.equals(request.method());
    keepAlive = HttpUtil.isKeepAlive(request) && !closeWhenIdle;
    boolean bodyless = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) <= 0;
    requestDone = bodyless;
    absorbEmptyEnd = bodyless;
    unacked = 0;
    Http2Headers head = H1Messages.request(request);
    boolean absolute = H1Messages.isAbsoluteForm(request.uri());
    ReferenceCountUtil.release(request);
    current = new Exchange(this, routes);
    current.start(head, bodyless, version, absolute);
  }

  private void requestContent(HttpContent content) {
    Exchange e = current;
    boolean last = content instanceof LastHttpContent;
    if (last) {
      requestDone = true;
    }
    ByteBuf data = content.content();
    if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
      Http2Headers trailers = H1Messages.trailers(((LastHttpContent) content).trailingHeaders());
      if (data.isReadable()) {
        unacked += data.readableBytes();
        e.requestData(data, false);
      } else {
        data.release();
      }
      e.requestTrailers(trailers);
    } else {
      unacked += data.readableBytes();
      e.requestData(data, last);
    }
    if (last) {
      // Further requests on this connection wait in the socket until this response is done.
      ctx.channel().config().setAutoRead(false);
    } else if (unacked > HIGH_WATER && !pausedForBody) {
      pausedForBody = true;
      ctx.channel().config().setAutoRead(false);
    }
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
      if (!requestDone) {
        ctx.channel().config().setAutoRead(true);
      }
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

  @Override
  public void responseHead(Http2Headers head, boolean endOfStream) {
    if (head.remove(MeshHeaders.PROXY_CONNECTION)) {
      keepAlive = false;
    }
    int status = H1Messages.parseStatus(head.status());
    boolean bodyless = headRequest || status == 204 || status == 304 || status < 200;
    HttpResponse response;
    if (endOfStream) {
      response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER,
          false);
      H1Messages.copyRegular(head, response.headers());
      if (!bodyless && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
      }
    } else {
      response = H1Messages.response(head, version);
      HttpHeaders h = response.headers();
      if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        if (version.equals(HttpVersion.HTTP_1_1)) {
          h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else {
          keepAlive = false; // HTTP/1.0: the body ends when the connection does
        }
      }
    }
    if (!requestDone) {
      keepAlive = false; // answered before the body: the rest of it would look like a new request
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (version.equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ctx.write(response, ctx.voidPromise());
    if (endOfStream) {
      ctx.flush();
    }
  }

  @Override
  public void responseData(ByteBuf data, boolean endOfStream, BodySource source) {
    int n = data.readableBytes();
    HttpContent content = endOfStream ? H1Messages.lastContent(data) : new DefaultHttpContent(data);
    if (source == BodySource.NONE) {
      ctx.write(content, ctx.voidPromise());
    } else {
      ctx.write(content, ctx.newPromise()).addListener(f -> source.consumed(n));
    }
    ctx.flush();
  }

  @Override
  public void responseTrailers(Http2Headers trailers) {
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    H1Messages.copyRegular(trailers, last.trailingHeaders());
    ctx.writeAndFlush(last, ctx.voidPromise());
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public void abort() {
    current = null;
    ctx.close();
  }

  @Override
  public void finished(Exchange exchange, boolean requestComplete, boolean exchangeKeepAlive) {
    if (exchange != current) {
      return;
    }
    current = null;
    absorbEmptyEnd = false;
    if (!requestComplete || !exchangeKeepAlive || !keepAlive || closeWhenIdle) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.channel().config().setAutoRead(true);
    // Hand over the next pipelined request and whatever of its body was read with it; stop at the
    // end of that request (the ones behind it wait for its response).
    while (!queued.isEmpty() && (current == null || !requestDone)) {
      Object next = queued.poll();
      if (current != null && absorbEmptyEnd && next instanceof LastHttpContent last && !last.content().isReadable()
          && last.trailingHeaders().isEmpty()) {
        absorbEmptyEnd = false;
        last.release();
        continue;
      }
      dispatch(next);
    }
    if (current != null && requestDone) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void badRequest() {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
        Unpooled.EMPTY_BUFFER, false);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

}
