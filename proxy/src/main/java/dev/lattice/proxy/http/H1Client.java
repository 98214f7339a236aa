package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pooled HTTP/1.1 connection to an application and the request it carries: the HTTP/2-shaped
 * request is written as HTTP/1 (its version and form from {@code l5d-orig-proto}), the response is
 * read back into the HTTP/2 shape. It goes back to its {@link H1Pool} only when both messages
 * completed and both sides allow keep-alive. Runs on the connection's loop.
 */
final class H1Client extends ChannelInboundHandlerAdapter implements H1Parser.Sink {
  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int CLOSED = 2;
  /** Stop reading the response while this much of it is still on its way to the client. */
  private static final int HIGH_WATER = 64 * 1024;
  private static final int LOW_WATER = 16 * 1024;

  private final Channel channel;
  private final H1Pool pool;
  private final AtomicInteger state = new AtomicInteger(BUSY);
  private final H1Input input = new H1Input(H1Parser.Kind.RESPONSE, this);
  private ChannelHandlerContext ctx;
  private H1Output out;
  private Call call;
  private long idleSince;
  /** A 101 was read; the connection (and the bytes after the 101) go to the call's listener. */
  private boolean handingOver;

  H1Client(Channel channel, H1Pool pool) {
    this.channel = channel;
    this.pool = pool;
  }

  Channel channel() {
    return channel;
  }

  long idleSince() {
    return idleSince;
  }

  /** Takes an idle connection for one exchange; false if it closed meanwhile. Any thread. */
  boolean borrow() {
    return state.compareAndSet(IDLE, BUSY) && channel.isActive();
  }

  void close() {
    state.set(CLOSED);
    channel.close();
  }

  /** Sends {@code call}'s request on this connection. Any thread. */
  void start(Call call) {
    call.loop = channel.eventLoop();
    if (call.loop.inEventLoop()) {
      call.attach(this);
    } else {
      call.loop.execute(() -> call.attach(this));
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.out = new H1Output(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (call == null || !(msg instanceof ByteBuf in)) {
      // An idle connection must not speak; if it does, it leaves the pool.
      ReferenceCountUtil.release(msg);
      pool.evict(this);
      close();
      return;
    }
    input.read(ctx.alloc(), in);
  }

  @Override
  public void head(H1Head head, boolean endOfMessage) {
    Call c = call;
    if (c == null) {
      close(); // a response nobody asked for
      return;
    }
    c.head(head, endOfMessage);
  }

  @Override
  public void body(ByteBuf data, boolean endOfMessage) {
    Call c = call;
    if (c == null) {
      data.release();
      close();
      return;
    }
    c.content(data, endOfMessage);
  }

  @Override
  public void trailers(Http2Headers trailers) {
    Call c = call;
    if (c == null) {
      close();
      return;
    }
    c.responseTrailers(trailers);
  }

  @Override
  public void malformed(int status, String reason) {
    close(); // the call hears of it as a closed connection: 502 before the head, a reset after
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!handingOver) {
      // A response delimited by the close is complete now; any other in progress is cut short.
      input.parser().endOfInput();
      input.release(); // (when handing over, the bytes after the 101 are still the listener's)
    }
    out.discard();
    state.set(CLOSED);
    pool.evict(this);
    Call c = call;
    call = null;
    if (c != null) {
      c.connectionClosed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /**
   * After a 101 to {@code c}'s upgrade: the connection leaves the pool and this handler leaves its
   * pipeline; the bytes read after the 101 go with the connection to the call's listener. Runs as
   * its own task, outside the parse that found the 101 (its bytes are the ones handed over).
   */
  private void handOver(Call c, Http2Headers head) {
    call = null;
    state.set(CLOSED);
    ByteBuf early = input.takeWaiting();
    input.release();
    out.discard();
    if (ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this);
    }
    c.deliver(() -> c.listener.switchedProtocols(head, channel, early));
  }

  private void finished(Call c, boolean reusable) {
    if (call != c) {
      return;
    }
    call = null;
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
    // Bytes after the response, or a response still being read, leave the connection unusable.
    if (reusable && input.clean() && channel.isActive() && state.compareAndSet(BUSY, IDLE)) {
      idleSince = System.nanoTime();
      pool.giveBack(this);
    } else {
      close();
    }
  }

  /** One request over a pooled connection; all state on the connection's loop once attached. */
  static final class Call implements UpstreamCall, BodySource, HeldRequestParts.Writer {
    private final Http2Headers head;
    private final boolean headEnds;
    /** The protocol an upgrade request asks for; {@code null} for every other request. */
    private final CharSequence upgrade;
    private final ResponseListener listener;
    private volatile EventLoop loop;
    private H1Client client;
    private final HeldRequestParts early = new HeldRequestParts();
    private boolean cancelled;
    private boolean headRequest;
    private boolean keepAlive;
    private boolean requestDone;
    private boolean headDelivered;
    private boolean responseDone;
    private boolean wireDone;
    private int unacked;

    Call(Http2Headers head, boolean endOfStream, CharSequence upgrade, ResponseListener listener) {
      this.head = head;
      this.headEnds = endOfStream;
      this.upgrade = upgrade;
      this.listener = listener;
      this.loop = listener.loop();
    }

    ResponseListener listener() {
      return listener;
    }

    private void attach(H1Client c) {
      c.call = this;
      if (cancelled) {
        early.release();
        c.finished(this, true);
        return;
      }
      client = c;
      CharSequence mark = head.getAndRemove(MeshHeaders.ORIG_PROTO);
      boolean http10 = mark != null && AsciiString.of(mark).startsWith("HTTP/1.0");
      boolean absolute = mark != null && AsciiString.of(mark).contains("absolute-form");
      headRequest = H1Parser.HEAD.contentEquals(head.method());
      keepAlive = true; // this pool asks for keep-alive whatever the client's version
      requestDone = headEnds;
      c.input.parser().expectResponseToHead(headRequest);
      boolean chunked = !headEnds && !head.contains(HttpHeaderNames.CONTENT_LENGTH);
      c.out.head(encodeHead(c, http10, absolute, chunked), headEnds, chunked, false);
      early.drain(this);
      c.out.flush();
    }

    /** The request head as HTTP/1: origin-form (absolute-form when the client sent that), explicit framing. */
    private ByteBuf encodeHead(H1Client c, boolean http10, boolean absolute, boolean chunked) {
      CharSequence path = head.path() == null ? "/" : head.path();
      CharSequence authority = head.authority();
      CharSequence target = absolute && authority != null
          ? (head.scheme() == null ? "http" : head.scheme()) + "://" + authority + path
          : path;
      if (headEnds && head.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        head.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO); // the stream ended with its head
      }
      ByteBuf buf = H1Writer.buffer(c.ctx.alloc(), head, target.length());
      H1Writer.requestLine(buf, head.method(), target, http10);
      if (authority != null) {
        H1Writer.field(buf, HttpHeaderNames.HOST, authority);
      }
      H1Writer.fields(buf, head);
      if (chunked) {
        H1Writer.field(buf, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      if (upgrade != null) {
        H1Writer.field(buf, HttpHeaderNames.UPGRADE, upgrade);
        H1Writer.field(buf, HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      } else if (http10) {
        // HTTP/1.0 closes by default; this pool keeps its connections (the client's own connection
        // is kept or closed by its proxy as the client asked).
        H1Writer.field(buf, HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      H1Writer.endHead(buf);
      return buf;
    }

    void connectFailed(Throwable cause) {
      onLoop(() -> {
        cancelled = true;
        early.release();
        deliver(() -> listener.upstreamFailed(cause, false));
      });
    }

    @Override
    public void data(ByteBuf data, boolean endOfStream, BodySource source) {
      onLoop(() -> {
        if (cancelled || requestDone) {
          int n = data.readableBytes();
          data.release();
          source.consumed(n);
        } else if (client == null) {
          early.body(data, endOfStream, source);
        } else {
          writeData(data, endOfStream, source);
          client.out.flush();
        }
      });
    }

    @Override
    public void trailers(Http2Headers trailers) {
      onLoop(() -> {
        if (cancelled || requestDone) {
          return;
        }
        if (client == null) {
          early.trailers(trailers);
        } else {
          writeTrailers(trailers);
          client.out.flush();
        }
      });
    }

    @Override
    public void cancel() {
      onLoop(() -> {
        if (cancelled) {
          return;
        }
        cancelled = true;
        early.release();
        if (client != null && !(requestDone && wireDone)) {
          client.finished(this, false); // half an exchange leaves the connection unusable
        }
      });
    }

    @Override
    public void writeData(ByteBuf data, boolean end, BodySource source) {
      requestDone = end;
      client.out.data(data, end, source);
      if (end) {
        maybeFinish();
      }
    }

    @Override
    public void writeTrailers(Http2Headers trailers) {
      requestDone = true;
      client.out.trailers(trailers);
      maybeFinish();
    }

    private void head(H1Head response, boolean endOfMessage) {
      if (cancelled) {
        return;
      }
      if (response.informational()) {
        return; // clients got their 100-continue from their own proxy; the final response follows
      }
      if (upgrade != null && response.status() == 101 && response.upgrade() != null) {
        switched(response);
        return;
      }
      if (!response.keepAlive()) {
        keepAlive = false;
      }
      Http2Headers h = response.headers();
      if (!keepAlive) {
        // Tell the client's side the application closes this connection (Linkerd's convention).
        h.set(MeshHeaders.PROXY_CONNECTION, "close");
      }
      headDelivered = true;
      if (endOfMessage) {
        // The client hears the end now, in the HEADERS frame.
        responseDone = true;
        wireDone = true;
        deliverHead(h, true);
        maybeFinish();
        return;
      }
      deliverHead(h, false);
    }

    /**
     * The application switched protocols: what follows the 101 is not HTTP. The parser stops
     * here, reading pauses, and the connection is handed over once this parse has returned.
     */
    private void switched(H1Head response) {
      headDelivered = true;
      responseDone = true;
      wireDone = true;
      H1Client c = client;
      c.handingOver = true;
      c.input.parser().pause();
      c.channel.config().setAutoRead(false);
      Http2Headers h = response.headers();
      h.set(HttpHeaderNames.UPGRADE, response.upgrade());
      c.channel.eventLoop().execute(() -> c.handOver(this, h));
    }

    private void content(ByteBuf data, boolean last) {
      if (cancelled || responseDone || !headDelivered) {
        data.release();
        return;
      }
      if (last) {
        responseDone = true;
        wireDone = true;
      }
      body(data, last);
      if (wireDone) {
        maybeFinish();
      }
    }

    private void responseTrailers(Http2Headers trailers) {
      if (cancelled || responseDone || !headDelivered) {
        return;
      }
      responseDone = true;
      wireDone = true;
      deliver(() -> listener.responseTrailers(trailers));
      maybeFinish();
    }

    private void body(ByteBuf data, boolean end) {
      unacked += data.readableBytes();
      if (unacked > HIGH_WATER && !end) {
        client.channel.config().setAutoRead(false);
      }
      EventLoop to = listener.loop();
      if (to.inEventLoop()) {
        listener.responseData(data, end, this); // the usual case: no task object per chunk
      } else {
        to.execute(() -> listener.responseData(data, end, this));
      }
    }

    private void deliverHead(Http2Headers h, boolean end) {
      EventLoop to = listener.loop();
      if (to.inEventLoop()) {
        listener.responseHead(h, end); // the usual case: no task object per response
      } else {
        to.execute(() -> listener.responseHead(h, end));
      }
    }

    @Override
    public void consumed(int bytes) {
      EventLoop home = loop;
      if (home.inEventLoop()) {
        acknowledge(bytes); // once per response chunk: no task object unless another loop calls
      } else {
        home.execute(() -> acknowledge(bytes));
      }
    }

    private void acknowledge(int bytes) {
      unacked -= bytes;
      if (client != null && client.call == this && unacked < LOW_WATER && !client.channel.config().isAutoRead()) {
        client.channel.config().setAutoRead(true);
      }
    }

    private void maybeFinish() {
      if (requestDone && wireDone && client != null) {
        client.finished(this, keepAlive);
      }
    }

    private void connectionClosed() {
      if (cancelled || responseDone) {
        return;
      }
      responseDone = true;
      if (headDelivered) {
        deliver(listener::responseAborted);
      } else {
        deliver(() -> listener.upstreamFailed(new Exchange.UpstreamClosed("connection closed before response headers"), false));
      }
    }

    private void deliver(Runnable r) {
      Loops.run(listener.loop(), r);
    }

    private void onLoop(Runnable r) {
      Loops.run(loop, r);
    }
  }

}
