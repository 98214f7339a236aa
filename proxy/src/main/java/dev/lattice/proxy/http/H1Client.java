package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
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
final class H1Client extends ChannelInboundHandlerAdapter {
  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int CLOSED = 2;
  /** Stop reading the response while this much of it is still on its way to the client. */
  private static final int HIGH_WATER = 64 * 1024;
  private static final int LOW_WATER = 16 * 1024;

  private final Channel channel;
  private final H1Pool pool;
  private final AtomicInteger state = new AtomicInteger(BUSY);
  private ChannelHandlerContext ctx;
  private Call call;
  private long idleSince;

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
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Call c = call;
    if (c == null) {
      // An idle connection must not speak; if it does, it leaves the pool.
      ReferenceCountUtil.release(msg);
      pool.evict(this);
      close();
      return;
    }
    c.read((HttpObject) msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
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

  private void finished(Call c, boolean reusable) {
    if (call != c) {
      return;
    }
    call = null;
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
    if (reusable && channel.isActive() && state.compareAndSet(BUSY, IDLE)) {
      idleSince = System.nanoTime();
      pool.giveBack(this);
    } else {
      close();
    }
  }

  /** One request over a pooled connection; all state on the connection's loop once attached. */
  static final class Call implements UpstreamCall, BodySource {
    private final Http2Headers head;
    private final boolean headEnds;
    private final ResponseListener listener;
    private volatile EventLoop loop;
    private H1Client client;
    private final HeldRequestParts early = new HeldRequestParts();
    private boolean cancelled;
    private boolean headRequest;
    private boolean keepAlive;
    private boolean requestDone;
    private boolean headDelivered;
    private boolean skipInformationalEnd;
    private boolean awaitingEmptyEnd;
    private boolean responseDone;
    private boolean wireDone;
    private int unacked;

    Call(Http2Headers head, boolean endOfStream, ResponseListener listener) {
      this.head = head;
      this.headEnds = endOfStream;
      this.listener = listener;
      this.loop = listener.loop();
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
      HttpVersion version = mark != null && AsciiString.of(mark).startsWith("HTTP/1.0") ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
      boolean absolute = mark != null && AsciiString.of(mark).contains("absolute-form");
      HttpRequest request = H1Messages.request(head, version, absolute, headEnds);
      H1Messages.frameRequest(request, !headEnds);
      if (version == HttpVersion.HTTP_1_0) {
        // HTTP/1.0 closes by default; this pool keeps its connections (the client's own connection
        // is kept or closed by its proxy as the client asked).
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      headRequest = HttpMethod.HEAD.equals(request.method());
      keepAlive = HttpUtil.isKeepAlive(request);
      requestDone = headEnds;
      c.ctx.write(request, c.ctx.voidPromise());
      early.drain(this::writeData, this::writeTrailers);
      c.ctx.flush();
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
          client.ctx.flush();
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
          client.ctx.flush();
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

    private void writeData(ByteBuf data, boolean end, BodySource source) {
      int n = data.readableBytes();
      requestDone = end;
      HttpContent content = end ? H1Messages.lastContent(data) : new DefaultHttpContent(data);
      client.ctx.write(content, client.ctx.newPromise()).addListener(f -> source.consumed(n));
      if (end) {
        maybeFinish();
      }
    }

    private void writeTrailers(Http2Headers trailers) {
      requestDone = true;
      LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
      H1Messages.copyRegular(trailers, last.trailingHeaders());
      client.ctx.write(last, client.ctx.voidPromise());
      maybeFinish();
    }

    private void read(HttpObject msg) {
      if (cancelled) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        client.close();
        return;
      }
      if (msg instanceof HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
          // Informational: clients got their 100-continue from their own proxy. Its (empty) end follows.
          skipInformationalEnd = !(response instanceof FullHttpResponse);
          ReferenceCountUtil.release(msg);
          return;
        }
        boolean bodyless = headRequest || code == 204 || code == 304 || HttpUtil.getContentLength(response, -1L) == 0;
        if (!HttpUtil.isKeepAlive(response)) {
          keepAlive = false;
        }
        Http2Headers h = H1Messages.response(response);
        if (!keepAlive) {
          // Tell the client's side the application closes this connection (Linkerd's convention).
          h.set(MeshHeaders.PROXY_CONNECTION, "close");
        }
        headDelivered = true;
        ReferenceCountUtil.release(msg);
        if (bodyless) {
          // The client hears the end now, in the HEADERS frame; the decoder's empty end follows.
          responseDone = true;
          awaitingEmptyEnd = true;
          deliverHead(h, true);
          return;
        }
        deliverHead(h, false);
        return;
      }
      if (msg instanceof HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (skipInformationalEnd && last) {
          skipInformationalEnd = false;
          content.release();
          return;
        }
        if (awaitingEmptyEnd || responseDone || !headDelivered) {
          content.release();
          if (last && awaitingEmptyEnd) {
            awaitingEmptyEnd = false;
            wireDone = true;
            maybeFinish();
          }
          return;
        }
        content(content);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    private void content(HttpContent content) {
      ByteBuf data = content.content();
      boolean last = content instanceof LastHttpContent;
      if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
        Http2Headers trailers = H1Messages.trailers(((LastHttpContent) content).trailingHeaders());
        if (data.isReadable()) {
          body(data, false);
        } else {
          data.release();
        }
        responseDone = true;
        wireDone = true;
        deliver(() -> listener.responseTrailers(trailers));
      } else {
        if (last) {
          responseDone = true;
          wireDone = true;
        }
        body(data, last);
      }
      if (wireDone) {
        maybeFinish();
      }
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
