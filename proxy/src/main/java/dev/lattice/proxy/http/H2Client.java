package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * The client end of one shared HTTP/2 connection, at frame level: a request is a stream id, a
 * HEADERS frame and DATA frames written straight through the encoder; response frames are handed
 * to the stream's {@link Call}. Everything here runs on the connection's event loop. Streams beyond
 * the server's concurrency limit wait in Netty's buffering encoder.
 */
final class H2Client extends Http2FrameAdapter {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(H2Client.class);
  private final Channel channel;
  private final Http2ConnectionHandler handler;
  private final Http2Connection connection;
  private final IntObjectMap<Call> calls = new IntObjectHashMap<>();
  private final Runnable forget;
  private ChannelHandlerContext ctx;
  private int goAwayLastStreamId = Integer.MAX_VALUE;
  private volatile boolean usable = true;

  private H2Client(Channel channel, Runnable forget) {
    this.channel = channel;
    this.forget = forget;
    this.handler = H2Handlers.client(this);
    this.connection = handler.connection();
    connection.addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamClosed(Http2Stream stream) {
        Call call = calls.remove(stream.id());
        if (call != null) {
          call.streamClosed(stream.id() > goAwayLastStreamId);
        }
      }

      @Override
      public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
        goAwayLastStreamId = lastStreamId;
        retire();
      }
    });
  }

  /** Installs the client on a connected channel (on its loop) and starts reading. */
  static H2Client install(Channel ch, Runnable forget) {
    H2Client client = new H2Client(ch, forget);
    H2Handlers.addTo(ch.pipeline(), client.handler);
    ch.pipeline().addLast("h2-lifecycle", client.new Lifecycle());
    client.ctx = ch.pipeline().context(client.handler);
    H2Settings.widenConnectionWindow(client.handler);
    ch.config().setAutoRead(true);
    ch.closeFuture().addListener(f -> client.retire());
    return client;
  }

  boolean usable() {
    return usable && channel.isActive();
  }

  void close() {
    channel.close();
  }

  /** Opens {@code call}'s stream with its head; from any thread. */
  void start(Call call, Http2Headers head, boolean endOfStream) {
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      call.start(this, head, endOfStream);
    } else {
      loop.execute(() -> call.start(this, head, endOfStream));
    }
  }

  private void retire() {
    usable = false;
    forget.run();
  }

  private void flush() {
    handler.flush(ctx);
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
    Call call = calls.get(streamId);
    if (call != null) {
      call.headers(headers, endOfStream);
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
      short weight, boolean exclusive, int padding, boolean endOfStream) {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  @Override
  public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    Call call = calls.get(streamId);
    if (call == null || !call.headReceived) {
      return data.readableBytes() + padding;
    }
    // The window for these bytes comes back when the client has been written to (Call.consumed).
    call.data(data.retain(), endOfStream);
    return padding;
  }

  @Override
  public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
    Call call = calls.get(streamId);
    if (call != null && errorCode == Http2Error.REFUSED_STREAM.code()) {
      call.refused = true;
    }
  }

  /** One request on this connection; all its state is touched on the connection's loop only. */
  static final class Call implements UpstreamCall, BodySource, HeldRequestParts.Writer {
    private final ResponseListener listener;
    private final EventLoop home;
    private H2Client conn;
    private int id;
    private final HeldRequestParts early = new HeldRequestParts();
    private boolean cancelled;
    private boolean headReceived;
    private boolean done;
    private boolean refused;

    /** {@code home}: the loop the connection is (or will be) on; every operation runs there. */
    Call(ResponseListener listener, EventLoop home) {
      this.listener = listener;
      this.home = home;
    }

    private void start(H2Client conn, Http2Headers head, boolean endOfStream) {
      this.conn = conn;
      if (cancelled) {
        early.release();
        return;
      }
      if (!conn.usable()) {
        done = true;
        deliver(() -> listener.upstreamFailed(new Exchange.UpstreamClosed("connection closed before the request was sent"), true));
        return;
      }
      id = conn.connection.local().incrementAndGetNextStreamId();
      if (id < 0) {
        conn.retire(); // stream ids exhausted: the next request gets a fresh connection
        done = true;
        deliver(() -> listener.upstreamFailed(new Exchange.UpstreamClosed("stream ids exhausted"), true));
        return;
      }
      conn.calls.put(id, this);
      conn.handler.encoder().writeHeaders(conn.ctx, id, head, 0, endOfStream, conn.ctx.voidPromise());
      early.drain(this);
      conn.flush();
    }

    /** Connecting failed: nothing was sent. On the home loop. */
    void connectFailed(Throwable cause) {
      done = true;
      cancelled = true;
      early.release();
      deliver(() -> listener.upstreamFailed(cause, false));
    }

    @Override
    public void data(ByteBuf data, boolean endOfStream, BodySource source) {
      onLoop(() -> {
        if (cancelled || (conn != null && id <= 0)) {
          int n = data.readableBytes();
          data.release();
          source.consumed(n);
        } else if (conn == null) {
          early.body(data, endOfStream, source);
        } else {
          writeData(data, endOfStream, source);
          conn.flush();
        }
      });
    }

    @Override
    public void trailers(Http2Headers trailers) {
      onLoop(() -> {
        if (cancelled) {
          return;
        }
        if (conn == null) {
          early.trailers(trailers);
        } else {
          writeTrailers(trailers);
          conn.flush();
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
        if (conn != null && id > 0 && conn.calls.remove(id) != null && conn.connection.stream(id) != null) {
          conn.handler.resetStream(conn.ctx, id, Http2Error.CANCEL.code(), conn.ctx.voidPromise());
          conn.flush();
        }
      });
    }

    @Override
    public void writeData(ByteBuf data, boolean end, BodySource source) {
      H2DataWrites.write(conn.handler, conn.ctx, id, data, end, source);
    }

    @Override
    public void writeTrailers(Http2Headers trailers) {
      conn.handler.encoder().writeHeaders(conn.ctx, id, trailers, 0, true, conn.ctx.voidPromise());
    }

    private void headers(Http2Headers headers, boolean endOfStream) {
      if (cancelled || done) {
        return;
      }
      if (!headReceived) {
        CharSequence status = headers.status();
        if (status != null && status.length() == 3 && status.charAt(0) == '1' && !endOfStream) {
          return; // informational: clients got their 100-continue from their own proxy
        }
        headReceived = true;
        if (endOfStream) {
          done = true;
        }
        if (listener.loop().inEventLoop()) {
          // The usual case (client and upstream on one loop): no task object per response.
          try {
            listener.responseHead(headers, endOfStream);
          } catch (RuntimeException e) {
            relayFailed(e);
          }
        } else {
          deliver(() -> listener.responseHead(headers, endOfStream));
        }
        return;
      }
      done = true;
      deliver(() -> listener.responseTrailers(headers));
    }

    private void data(ByteBuf data, boolean endOfStream) {
      if (cancelled || done) {
        int n = data.readableBytes();
        data.release();
        consumed(n);
        return;
      }
      if (endOfStream) {
        done = true;
      }
      if (listener.loop().inEventLoop()) {
        try {
          listener.responseData(data, endOfStream, this);
        } catch (RuntimeException e) {
          relayFailed(e);
        }
      } else {
        deliver(() -> listener.responseData(data, endOfStream, this));
      }
    }

    /** The stream closed; anything but a completed response is a failure the listener must hear. */
    private void streamClosed(boolean aboveGoAway) {
      if (done || cancelled) {
        return;
      }
      done = true;
      if (headReceived) {
        deliver(listener::responseAborted);
      } else {
        boolean unprocessed = aboveGoAway || refused;
        deliver(() -> listener.upstreamFailed(new Exchange.UpstreamClosed(unprocessed
            ? "upstream refused the stream" : "connection closed before response headers"), unprocessed));
      }
    }

    @Override
    public void consumed(int bytes) {
      // Called once per response DATA frame: no task object unless another loop calls.
      if (home.inEventLoop()) {
        returnWindow(bytes);
      } else {
        home.execute(() -> returnWindow(bytes));
      }
    }

    private void returnWindow(int bytes) {
      Http2Stream stream = conn.connection.stream(id);
      if (stream == null) {
        return;
      }
      try {
        if (conn.connection.local().flowController().consumeBytes(stream, bytes)) {
          conn.flush();
        }
      } catch (Http2Exception e) {
        conn.handler.resetStream(conn.ctx, id, Http2Error.FLOW_CONTROL_ERROR.code(), conn.ctx.voidPromise());
        conn.flush();
      }
    }

    private void deliver(Runnable r) {
      EventLoop loop = listener.loop();
      if (loop.inEventLoop()) {
        safely(r);
      } else {
        loop.execute(() -> safely(r));
      }
    }

    /**
     * Runs a delivery so that a failure in the exchange costs this stream only: escaping into the
     * codec it would be a connection error on a connection every client of this upstream shares.
     */
    private void safely(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        relayFailed(e);
      }
    }

    private void relayFailed(RuntimeException e) {
      log.warn("relaying a response failed inside the proxy; abandoning the request", e);
      try {
        listener.responseAborted();
      } catch (RuntimeException ignored) {
        // Already logged above; the exchange is gone either way.
      }
      cancel(); // on the connection's loop: resets the stream and drops what else arrives for it
    }

    /** Runs on the connection's loop, in call order (before the connection exists too). */
    private void onLoop(Runnable r) {
      Loops.run(home, r);
    }

  }

  /** The connection closed: streams that never reached it were not processed, so say so. */
  private final class Lifecycle extends ChannelInboundHandlerAdapter {
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      retire();
      if (!calls.isEmpty()) {
        // Buffered streams (never created on the wire) stay in the map: Netty closed the rest.
        for (Call call : calls.values().toArray(new Call[0])) {
          call.streamClosed(true);
        }
        calls.clear();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      retire();
      ctx.close();
    }
  }
}
