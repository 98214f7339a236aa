package dev.lattice.proxy.http;

import dev.lattice.proxy.metrics.ErrorMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * One request and its response, relayed frame by frame between a {@link Downstream} (the client's
 * HTTP/1 connection or HTTP/2 stream) and an {@link UpstreamCall}. Heads stay HTTP/2-shaped the
 * whole way, so an HTTP/2 request crosses the proxy as the same header block and its body as the
 * same buffers; only HTTP/1 edges convert. Bodies stream with the backpressure of
 * {@link BodySource}. All state lives on the downstream's event loop.
 *
 * <p>HTTP/1 ↔ HTTP/2 (§3.5): a request from an HTTP/1 client carries {@code l5d-orig-proto} with its
 * version (and {@code ; absolute-form}) upstream — an HTTP/2 peer restores it from there, a local
 * HTTP/1 upstream reads and removes it — and the response loses the mark again. An HTTP/2 request
 * that carries the mark is sent to the application as HTTP/1 and its response is marked.
 */
final class Exchange implements ResponseListener {
  private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");

  private final Downstream down;
  private final HttpRoutes routes;
  private final long startNanos = System.nanoTime();

  private HttpMetrics.Target metrics;
  private Upstream upstream;
  private UpstreamCall call;
  private Http2Headers retryHead;
  private boolean grpc;
  private boolean restoreH1;
  private String markOrigProto;
  private boolean requestDone;
  private boolean responseStarted;
  /** Whether response_latency_ms has this response: at its first data, else at its end. */
  private boolean latencyCounted;
  private boolean finished;
  private InFlightLimit admittedBy;
  private boolean keepAlive = true;
  private int status;
  private int grpcStatus = -1;

  Exchange(Downstream down, HttpRoutes routes) {
    this.down = down;
    this.routes = routes;
  }

  /**
   * Starts the exchange with the request head. {@code h1Version} is the client's HTTP/1 version
   * ({@code null} for an HTTP/2 client); {@code absoluteForm} whether its target was absolute-form.
   */
  void start(Http2Headers head, boolean endOfStream, HttpVersion h1Version, boolean absoluteForm) {
    start(head, endOfStream, h1Version, absoluteForm, null);
  }

  /**
   * Like {@link #start(Http2Headers, boolean, HttpVersion, boolean)} for an HTTP/1.1 request that
   * asks to switch to {@code upgrade} ({@code null}: it does not). The request is authorized and
   * counted like any other; a body-less one goes to an HTTP/1 upstream as an upgrade, and if that
   * answers 101 the client's connection becomes a tunnel to it ({@link #switchedProtocols}).
   */
  void start(Http2Headers head, boolean endOfStream, HttpVersion h1Version, boolean absoluteForm, CharSequence upgrade) {
    metrics = routes.metrics(head.authority());
    metrics.request();
    requestDone = endOfStream;
    grpc = isGrpc(head);
    boolean sendH1 = !down.isHttp2();
    CharSequence origProto = down.isHttp2() ? head.get(MeshHeaders.ORIG_PROTO) : null;
    if (origProto != null) {
      // A peer proxy upgraded this HTTP/1 request: it goes to our application as HTTP/1 again, and
      // the mark stays on the head for the HTTP/1 upstream to read.
      markOrigProto = AsciiString.of(origProto).startsWith("HTTP/1.0") ? "HTTP/1.0" : "HTTP/1.1";
      sendH1 = true;
    }
    ProxyErrors.Refusal refusal = routes.refuse(head, grpc);
    if (refusal != null) {
      if (refusal.closeConnection()) {
        keepAlive = false;
      }
      grpc = refusal.grpc();
      // Only a client that may learn why hears the reason in grpc-message too.
      respond(refusal.failure(), routes.explainErrors(), routes.explainErrors());
      return;
    }
    if (markOrigProto != null && !H1Messages.safeRequestTarget(head)) {
      // An HTTP/2 client's method, path or authority that an HTTP/1 request line cannot carry (an
      // HTTP/1 client's target already passed the HTTP/1 decoder).
      keepAlive = false;
      respond(new ProxyErrors.Failure(io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST, 13,
          "request target cannot be sent as HTTP/1"), routes.explainErrors(), true);
      return;
    }
    InFlightLimit limit = routes.inFlight();
    if (!limit.tryAcquire()) {
      // Shed now rather than queue: each request in flight holds heap on both connections.
      routes.countError(ErrorMetrics.Kind.LOADSHED);
      respond(ProxyErrors.tooManyInFlight(limit.max()), routes.explainErrors(), routes.explainErrors());
      return;
    }
    admittedBy = limit;
    routes.rewriteRequest(head);
    boolean upgrading = upgrade != null && endOfStream;
    upstream = upgrading ? routes.upstreamForUpgrade() : routes.upstream(sendH1);
    if (h1Version != null) {
      head.set(MeshHeaders.ORIG_PROTO, absoluteForm ? h1Version.text() + "; absolute-form" : h1Version.text());
      restoreH1 = true;
    }
    if (endOfStream && upstream.isHttp2()) {
      // A body-less request can be sent again if the upstream refuses it unprocessed. HTTP/2
      // upstreams never modify the head, so it needs no copy.
      retryHead = head;
    }
    UpstreamCall sent = upgrading ? upstream.sendUpgrade(head, upgrade, this) : upstream.send(head, endOfStream, this);
    if (call == null) {
      // Unless the upstream already failed it synchronously and a resend took its place.
      call = sent;
    }
  }

  /** More of the request body (or its end) from the client. */
  void requestData(ByteBuf data, boolean endOfStream) {
    if (requestDone || finished) {
      int n = data.readableBytes();
      data.release();
      down.consumed(n);
      return;
    }
    requestDone = endOfStream;
    call.data(data, endOfStream, down);
  }

  void requestTrailers(Http2Headers trailers) {
    if (requestDone || finished) {
      return;
    }
    requestDone = true;
    call.trailers(trailers);
  }

  /** The client went away or reset its stream: abandon the upstream side. */
  void downClosed() {
    if (finished) {
      return;
    }
    finished = true;
    leaveInFlight();
    retryHead = null;
    if (call != null) {
      call.cancel();
    }
    countResponse(responseStarted ? status : 499);
  }

  @Override
  public EventLoop loop() {
    return down.loop();
  }

  @Override
  public void responseHead(Http2Headers head, boolean endOfStream) {
    if (finished) {
      return;
    }
    responseStarted = true;
    retryHead = null;
    status = H1Messages.parseStatus(head.status());
    routes.rewriteResponse(head);
    if (down.isHttp2() && !routes.clientIsProxy()) {
      head.remove(MeshHeaders.PROXY_CONNECTION); // a signal between proxies (and to our HTTP/1 server), never for apps
    }
    if (restoreH1) {
      head.remove(MeshHeaders.ORIG_PROTO);
    }
    if (markOrigProto != null) {
      head.set(MeshHeaders.ORIG_PROTO, markOrigProto);
    }
    readGrpcStatus(head);
    down.responseHead(head, endOfStream);
    if (endOfStream) {
      complete();
    }
  }

  @Override
  public void responseData(ByteBuf data, boolean endOfStream, BodySource source) {
    if (finished) {
      int n = data.readableBytes();
      data.release();
      source.consumed(n);
      return;
    }
    countLatencyOnce(status);
    down.responseData(data, endOfStream, source);
    if (endOfStream) {
      complete();
    }
  }

  @Override
  public void responseTrailers(Http2Headers trailers) {
    if (finished) {
      return;
    }
    readGrpcStatus(trailers);
    down.responseTrailers(trailers);
    complete();
  }

  @Override
  public void upstreamFailed(Throwable cause, boolean unprocessed) {
    if (finished) {
      return;
    }
    if (unprocessed && retryHead != null) {
      // The upstream provably did not act on it: send it once more, on a fresh stream or connection.
      Http2Headers again = retryHead;
      retryHead = null;
      call = upstream.send(again, true, this);
      return;
    }
    // §3.7: after an I/O failure or a connect timeout the client's connection closes too.
    keepAlive = false;
    routes.countError(ErrorMetrics.Kind.IO);
    respond(cause instanceof UpstreamClosed ? ProxyErrors.upstreamClosed() : ProxyErrors.classify(cause), routes.explainErrors(), true);
  }

  @Override
  public void responseAborted() {
    if (finished) {
      return;
    }
    finished = true;
    leaveInFlight();
    countResponse(status);
    down.abort();
  }

  @Override
  public void switchedProtocols(Http2Headers head, Channel upstreamChannel, ByteBuf early) {
    if (finished) {
      // The client went away before the switch: nobody is left to talk the new protocol.
      if (early != null) {
        early.release();
      }
      upstreamChannel.close();
      return;
    }
    finished = true;
    leaveInFlight();
    responseStarted = true;
    status = 101;
    routes.rewriteResponse(head);
    head.remove(MeshHeaders.PROXY_CONNECTION);
    countResponse(status);
    down.switchProtocols(head, upstreamChannel, early);
  }

  /** Answers the client in the proxy's own name and ends the exchange. */
  private void respond(ProxyErrors.Failure failure, boolean explain, boolean grpcMessage) {
    if (call != null) {
      call.cancel();
      call = null;
    }
    if (!requestDone) {
      keepAlive = false; // the rest of an HTTP/1 body would be read as the next request
    }
    responseStarted = true;
    status = grpc ? 200 : failure.status().code();
    grpcStatus = grpc ? failure.grpcCode() : -1;
    Http2Headers head = ProxyErrors.head(failure, grpc, explain, grpcMessage);
    if (markOrigProto != null) {
      head.set(MeshHeaders.ORIG_PROTO, markOrigProto);
    }
    if (!keepAlive && (!down.isHttp2() || routes.clientIsProxy())) {
      // An HTTP/1 server turns this into Connection: close; a peer proxy closes its client's connection.
      head.set(MeshHeaders.PROXY_CONNECTION, "close");
    }
    down.responseHead(head, true);
    complete();
  }

  private void complete() {
    if (finished) {
      return;
    }
    finished = true;
    leaveInFlight();
    retryHead = null;
    countResponse(status);
    if (!requestDone && call != null) {
      call.cancel();
    }
    down.finished(this, requestDone, keepAlive);
  }

  /** One response ended with {@code statusCode}; its latency is counted here if no data came first. */
  private void countResponse(int statusCode) {
    countLatencyOnce(statusCode);
    metrics.response(statusCode, grpcStatus);
  }

  /** response_latency_ms: at the response's first data, or at its end when it has none. */
  private void countLatencyOnce(int statusCode) {
    if (!latencyCounted) {
      latencyCounted = true;
      metrics.responseLatency(statusCode, System.nanoTime() - startNanos);
    }
  }

  private boolean isGrpc(Http2Headers head) {
    if (!down.isHttp2()) {
      return false;
    }
    CharSequence type = head.get(CONTENT_TYPE);
    return type != null && AsciiString.regionMatches(type, false, 0, APPLICATION_GRPC, 0, APPLICATION_GRPC.length());
  }

  /** Ends the request's count against the in-flight limit (once, whichever way the exchange ends). */
  private void leaveInFlight() {
    if (admittedBy != null) {
      admittedBy.release();
      admittedBy = null;
    }
  }

  private void readGrpcStatus(Http2Headers headers) {
    CharSequence s = headers.get(GRPC_STATUS);
    if (s != null) {
      try {
        grpcStatus = AsciiString.of(s).trim().parseInt();
      } catch (NumberFormatException ignored) {
        grpcStatus = 2; // UNKNOWN: the peer sent something that is not a code
      }
    }
  }

  /** The upstream connection closed (or the stream was reset) before any response head. */
  static final class UpstreamClosed extends Exception {
    UpstreamClosed(String message) {
      super(message, null, false, false);
    }
  }
}
