package dev.lattice.proxy.http;

import dev.lattice.api.Headers;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

/**
 * One request and its response, relayed between the client side ("down": an HTTP/1 connection or
 * an HTTP/2 stream) and an {@link Upstream} exchange channel ("up"). Bodies stream through with
 * backpressure in both directions: a side stops reading while the other cannot take more. All state
 * lives on the downstream's event loop; upstream events hop over to it.
 *
 * <p>HTTP/1 ↔ HTTP/2 (§3.5): a request from an HTTP/1 client to an HTTP/2 upstream gains
 * {@code l5d-orig-proto} and the response regains its HTTP/1 version; an HTTP/2 request carrying
 * {@code l5d-orig-proto} is restored to HTTP/1 and its response marked.
 */
final class Exchange {
  private static final String EXT_PREFIX = "x-http2-";

  private final HttpServerHandler owner;
  private final ChannelHandlerContext down;
  private final boolean downH2;
  private final HttpRoutes routes;
  private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
  private final long startNanos = System.nanoTime();

  private Upstream upstream;
  private Channel up;
  private HttpVersion clientVersion;
  private boolean grpc;
  private boolean headRequest;
  private boolean restoreH1;
  private String markOrigProto;
  private boolean skipEmptyLastRequest;
  private boolean tailAbsorbed;
  private io.netty.handler.codec.http.FullHttpRequest retryable;
  private boolean refused;
  private int attempts;
  private boolean skipEmptyLastResponse;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean responseDone;
  private boolean finished;
  private boolean keepAlive = true;
  private int status;
  private int grpcStatus = -1;

  Exchange(HttpServerHandler owner, ChannelHandlerContext down, boolean downH2, HttpRoutes routes) {
    this.owner = owner;
    this.down = down;
    this.downH2 = downH2;
    this.routes = routes;
  }

  boolean requestDone() {
    return requestDone;
  }

  void start(HttpRequest request) {
    routes.metrics().request();
    clientVersion = request.protocolVersion();
    headRequest = HttpMethod.HEAD.equals(request.method());
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    grpc = downH2 && contentType != null && contentType.startsWith("application/grpc");
    if (!downH2) {
      keepAlive = HttpUtil.isKeepAlive(request);
    }

    boolean sendH1 = !downH2;
    String origProto = request.headers().get(Headers.ORIG_PROTO);
    if (downH2 && origProto != null) {
      // A peer proxy upgraded this HTTP/1 request; restore it for our application.
      request.headers().remove(Headers.ORIG_PROTO);
      request.setProtocolVersion(origProto.startsWith("HTTP/1.0") ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
      markOrigProto = request.protocolVersion().text();
      sendH1 = true;
    }
    routes.rewriteRequest(request.headers());
    upstream = routes.upstream(sendH1);
    if (!downH2 && upstream.isHttp2()) {
      String mark = request.protocolVersion().text();
      if (request.uri().startsWith("http://") || request.uri().startsWith("https://")) {
        mark += "; absolute-form";
      }
      request.headers().set(Headers.ORIG_PROTO, mark);
      restoreH1 = true;
    }
    if (!upstream.isHttp2()) {
      stripExtensionHeaders(request.headers());
    }
    HttpRequest first = request;
    if (!(request instanceof FullHttpMessage) && !hasBody(request)) {
      // Body-less: send one message, so HTTP/2 puts END_STREAM on the HEADERS frame.
      first = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
          Unpooled.EMPTY_BUFFER, request.headers(), HttpHeaders.EMPTY_HEADERS);
      skipEmptyLastRequest = true;
    }
    if (first instanceof LastHttpContent) {
      requestDone = true;
    }
    if (first instanceof FullHttpMessage full && !full.content().isReadable()) {
      // A body-less request can be sent again if the upstream refuses it unprocessed.
      retryable = ((io.netty.handler.codec.http.FullHttpRequest) first).replace(Unpooled.EMPTY_BUFFER);
    }
    pending.add(first);
    if (!requestDone) {
      // Hold the body until the upstream is there to take it. A complete request needs no pause:
      // on HTTP/1 the server handler pauses only if the client pipelines another request, which
      // saves two epoll_ctl calls and a read attempt per request.
      down.channel().config().setAutoRead(false);
    }
    openUpstream();
  }

  private void openUpstream() {
    EventLoop loop = down.channel().eventLoop();
    upstream.open(loop).addListener(f -> {
      if (loop.inEventLoop()) {
        opened(f.isSuccess() ? (Channel) f.getNow() : null, f.cause());
      } else {
        loop.execute(() -> opened(f.isSuccess() ? (Channel) f.getNow() : null, f.cause()));
      }
    });
  }

  /**
   * Swallows the empty end of a body-less HTTP/1 request, which was already sent as one message
   * with the head. Returns false for anything else.
   */
  boolean absorbTail(Object msg) {
    if (skipEmptyLastRequest && !tailAbsorbed && msg instanceof LastHttpContent last
        && !last.content().isReadable() && last.trailingHeaders().isEmpty() && !last.decoderResult().isFailure()) {
      tailAbsorbed = true;
      last.release();
      return true;
    }
    return false;
  }

  /** More of the request body (or its end) from the client. */
  void requestContent(HttpContent content) {
    if (requestDone || finished) {
      content.release();
      return;
    }
    if (content instanceof LastHttpContent last) {
      requestDone = true;
      if (skipEmptyLastRequest && !last.content().isReadable() && last.trailingHeaders().isEmpty()) {
        last.release();
        return;
      }
    }
    if (up == null) {
      pending.add(content);
      return;
    }
    up.write(content, up.voidPromise());
    if (!up.isWritable()) {
      down.channel().config().setAutoRead(false);
    }
    if (requestDone && !downH2) {
      // Hold further requests on this connection in the socket until the response is done.
      down.channel().config().setAutoRead(false);
    }
  }

  void flushUp() {
    if (up != null) {
      up.flush();
    }
  }

  void downWritabilityChanged() {
    if (up != null && down.channel().isWritable() && !responseDone) {
      reading(up, true);
    }
  }

  /** The client went away: abandon the upstream side. */
  void downClosed() {
    if (finished) {
      return;
    }
    finished = true;
    releasePending();
    if (up != null) {
      up.close();
      upstream.release(up, false);
    }
    if (!responseDone) {
      routes.metrics().response(responseStarted ? status : 499, grpcStatus, System.nanoTime() - startNanos);
    }
  }

  private void opened(Channel channel, Throwable cause) {
    if (finished) {
      if (channel != null) {
        channel.close();
        upstream.release(channel, false);
      }
      return;
    }
    if (channel == null) {
      fail(ProxyErrors.classify(cause));
      return;
    }
    up = channel;
    up.pipeline().addLast("exchange", new UpHandler());
    for (HttpObject o : pending) {
      up.write(o, up.voidPromise());
    }
    pending.clear();
    up.flush();
    reading(up, true);
    // No isActive() check here: the upstream lives on another loop and may already have answered
    // and closed; UpHandler reports a close in order with the response.
    if (!requestDone && up.isWritable()) {
      down.channel().config().setAutoRead(true);
    }
  }

  private void fromUp(Object msg) {
    if (finished || !(msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
        // 1xx: clients got their 100-continue from us already; others are not forwarded.
        skipEmptyLastResponse = !(response instanceof FullHttpResponse);
        ReferenceCountUtil.release(msg);
        return;
      }
      responseStarted = true;
      status = response.status().code();
      prepareResponse(response);
      readGrpcStatus(response.headers());
    } else if (msg instanceof LastHttpContent last && skipEmptyLastResponse) {
      skipEmptyLastResponse = false;
      last.release();
      return;
    }
    if (msg instanceof LastHttpContent last) {
      readGrpcStatus(last.trailingHeaders());
      if (!downH2) {
        stripExtensionHeaders(last.trailingHeaders());
      }
      responseDone = true;
    }
    down.write(msg, down.voidPromise());
    if (!down.channel().isWritable() && !responseDone) {
      reading(up, false);
    }
    if (responseDone) {
      down.flush();
      complete();
    }
  }

  private void prepareResponse(HttpResponse response) {
    HttpHeaders h = response.headers();
    routes.rewriteResponse(h);
    if (restoreH1) {
      h.remove(Headers.ORIG_PROTO);
      response.setProtocolVersion(clientVersion);
    }
    if (markOrigProto != null) {
      h.set(Headers.ORIG_PROTO, markOrigProto);
    }
    if (h.contains(Headers.PROXY_CONNECTION)) {
      h.remove(Headers.PROXY_CONNECTION);
      keepAlive = false;
    }
    if (downH2) {
      return;
    }
    // Downstream is HTTP/1: make the framing explicit so the connection can be kept alive.
    stripExtensionHeaders(h);
    response.setProtocolVersion(clientVersion);
    boolean bodyless = headRequest || status == 204 || status == 304;
    if (response instanceof FullHttpMessage full) {
      if (!HttpUtil.isContentLengthSet(response) && !bodyless) {
        HttpUtil.setContentLength(response, full.content().readableBytes());
      }
    } else if (!bodyless && !HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response)) {
      if (clientVersion.equals(HttpVersion.HTTP_1_1)) {
        HttpUtil.setTransferEncodingChunked(response, true);
      } else {
        keepAlive = false;
      }
    }
    if (!HttpUtil.isKeepAlive(response)) {
      keepAlive = false;
    }
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  /**
   * Pauses or resumes reading on {@code ch}, always on its own event loop. Flipping auto-read on an
   * HTTP/2 stream channel from another loop can race with its read loop and lose the resume (seen as
   * a stalled download behind a slow client), so the change travels as a task; tasks from one loop
   * run in order, so a pause never overtakes the resume that follows it. Resuming also requests a
   * read, in case data is already queued.
   */
  private static void reading(Channel ch, boolean on) {
    if (ch.eventLoop().inEventLoop()) {
      setReading(ch, on);
    } else {
      ch.eventLoop().execute(() -> setReading(ch, on));
    }
  }

  private static void setReading(Channel ch, boolean on) {
    ch.config().setAutoRead(on);
    if (on) {
      ch.read();
    }
  }

  private void upFlush() {
    if (!finished) {
      down.flush();
    }
  }

  private void upWritable() {
    if (up != null && up.isWritable() && !requestDone && !finished) {
      reading(down.channel(), true);
    }
  }

  private void upClosed() {
    if (finished || responseDone) {
      return;
    }
    if (!responseStarted && retryable != null && attempts == 0 && (refused || neverStarted(up))) {
      // The upstream provably did not process it (GOAWAY beyond its last stream, REFUSED_STREAM, or
      // the stream never got an id): send it once more, on a fresh stream or connection.
      attempts++;
      refused = false;
      up = null;
      pending.add(retryable.replace(Unpooled.EMPTY_BUFFER));
      openUpstream();
      return;
    }
    if (!responseStarted) {
      fail(ProxyErrors.upstreamClosed());
      return;
    }
    // Mid-response: the client cannot be told cleanly. Reset the stream / close the connection.
    finished = true;
    routes.metrics().response(status, grpcStatus, System.nanoTime() - startNanos);
    upstream.release(up, false);
    owner.exchangeAborted(this);
  }

  private static boolean neverStarted(Channel ch) {
    return ch instanceof io.netty.handler.codec.http2.Http2StreamChannel stream && stream.stream().id() <= 0;
  }

  private void fail(ProxyErrors.Failure failure) {
    releasePending();
    if (up != null) {
      up.close();
    }
    boolean explain = routes.explainErrors();
    FullHttpResponse response = ProxyErrors.response(failure, grpc, explain, downH2 ? HttpVersion.HTTP_1_1 : clientVersion);
    if (!requestDone && !downH2) {
      keepAlive = false;
    }
    if (!downH2 && !keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    responseStarted = true;
    status = response.status().code();
    grpcStatus = grpc ? failure.grpcCode() : -1;
    responseDone = true;
    down.writeAndFlush(response);
    complete();
  }

  private void complete() {
    if (finished) {
      return;
    }
    finished = true;
    retryable = null;
    routes.metrics().response(status, grpcStatus, System.nanoTime() - startNanos);
    boolean clean = requestDone;
    if (up != null) {
      // A pooled HTTP/1 connection outlives the exchange, so its handler must go; an HTTP/2 stream
      // never carries another exchange (UpHandler ignores what a finished one still hears), and
      // skipping the pipeline change saves work on every request.
      if (!upstream.isHttp2()) {
        try {
          up.pipeline().remove("exchange");
        } catch (java.util.NoSuchElementException closed) {
          // The connection closed on its own loop meanwhile and took its handlers with it.
        }
      }
      upstream.release(up, clean && keepAlive);
    }
    owner.exchangeDone(this, clean && keepAlive);
  }

  private void releasePending() {
    for (Iterator<HttpObject> it = pending.iterator(); it.hasNext(); ) {
      ReferenceCountUtil.release(it.next());
      it.remove();
    }
  }

  private void readGrpcStatus(HttpHeaders headers) {
    String s = headers.get("grpc-status");
    if (s != null) {
      try {
        grpcStatus = Integer.parseInt(s.trim());
      } catch (NumberFormatException ignored) {
        grpcStatus = 2; // UNKNOWN: the peer sent something that is not a code
      }
    }
  }

  private static boolean hasBody(HttpMessage m) {
    return HttpUtil.isTransferEncodingChunked(m) || HttpUtil.getContentLength(m, 0L) > 0;
  }

  static void stripExtensionHeaders(HttpHeaders headers) {
    if (headers.isEmpty()) {
      return;
    }
    Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
    java.util.List<CharSequence> remove = null;
    while (it.hasNext()) {
      CharSequence name = it.next().getKey();
      if (name.length() > EXT_PREFIX.length() && io.netty.util.AsciiString.regionMatches(name, true, 0, EXT_PREFIX, 0, EXT_PREFIX.length())) {
        if (remove == null) {
          remove = new java.util.ArrayList<>(2);
        }
        remove.add(name);
      }
    }
    if (remove != null) {
      remove.forEach(headers::remove);
    }
  }

  /** Sits on the upstream exchange channel and hands everything to the exchange's event loop. */
  private final class UpHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      // Added on the upstream's loop: if it closed before that, no channelInactive will follow.
      if (!ctx.channel().isActive()) {
        run(Exchange.this::upClosed);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      EventLoop loop = down.channel().eventLoop();
      if (loop.inEventLoop()) {
        fromUp(msg);
      } else {
        loop.execute(() -> fromUp(msg));
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      run(Exchange.this::upFlush);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      run(Exchange.this::upWritable);
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      run(Exchange.this::upClosed);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      boolean refusal = evt instanceof io.netty.handler.codec.http2.Http2GoAwayFrame
          || (evt instanceof io.netty.handler.codec.http2.Http2ResetFrame reset
              && reset.errorCode() == io.netty.handler.codec.http2.Http2Error.REFUSED_STREAM.code());
      io.netty.util.ReferenceCountUtil.release(evt);
      if (refusal) {
        run(() -> refused = true);
      }
    }

    private void run(Runnable r) {
      EventLoop loop = down.channel().eventLoop();
      if (loop.inEventLoop()) {
        r.run();
      } else {
        loop.execute(r);
      }
    }
  }

  static void closeAfterFlush(Channel ch) {
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }
}
