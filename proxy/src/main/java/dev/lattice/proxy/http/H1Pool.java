package dev.lattice.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * HTTP/1.1 connections to one endpoint, one request at a time each, kept for reuse while idle
 * (Linkerd: idle timeout 3 s). An idle connection the server closes simply leaves the pool. Each
 * connection keeps one {@link H1Client} handler for its whole life, so borrowing it changes no
 * pipeline; idle ones are swept once a second instead of with a timer per request.
 */
public final class H1Pool implements Upstream {
  private final Function<EventLoop, Future<Channel>> connect;
  private final long idleTimeoutNanos;
  private final int maxIdle;
  private final ConcurrentLinkedDeque<H1Client> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private ScheduledFuture<?> sweeper; // guarded by this

  public H1Pool(Function<EventLoop, Future<Channel>> connect, Duration idleTimeout, int maxIdle) {
    this.connect = connect;
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.maxIdle = maxIdle;
  }

  @Override
  public boolean isHttp2() {
    return false;
  }

  @Override
  public UpstreamCall send(Http2Headers head, boolean endOfStream, ResponseListener listener) {
    return dispatch(new H1Client.Call(head, endOfStream, null, listener));
  }

  /** On a pooled or new connection like any request; after a 101 the connection leaves the pool. */
  @Override
  public UpstreamCall sendUpgrade(Http2Headers head, CharSequence protocol, ResponseListener listener) {
    return dispatch(new H1Client.Call(head, true, protocol, listener));
  }

  private UpstreamCall dispatch(H1Client.Call call) {
    ResponseListener listener = call.listener();
    H1Client client;
    while ((client = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      if (client.borrow()) {
        client.start(call);
        return call;
      }
    }
    EventLoop loop = listener.loop();
    connect.apply(loop).addListener(f -> {
      if (!f.isSuccess()) {
        call.connectFailed(f.cause());
        return;
      }
      Channel ch = (Channel) f.getNow();
      H1Client c = new H1Client(ch, this);
      ch.pipeline().addLast("http1-client", c);
      ch.config().setAutoRead(true);
      c.start(call);
    });
    return call;
  }

  /** A connection finished its exchange cleanly and may carry another. */
  void giveBack(H1Client client) {
    if (idleCount.get() >= maxIdle) {
      client.close();
      return;
    }
    idle.addFirst(client);
    idleCount.incrementAndGet();
    // Under the lock, after the add: a sweep that just found the pool empty cannot miss this one.
    startSweeper(client.channel().eventLoop());
  }

  /** An idle connection closed or spoke out of turn. */
  void evict(H1Client client) {
    if (idle.remove(client)) {
      idleCount.decrementAndGet();
    }
  }

  private synchronized void startSweeper(EventLoop loop) {
    if (sweeper != null) {
      return;
    }
    sweeper = loop.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  private void sweep() {
    long now = System.nanoTime();
    for (H1Client c : idle) {
      if (now - c.idleSince() > idleTimeoutNanos && idle.remove(c)) {
        idleCount.decrementAndGet();
        c.close();
      }
    }
    stopSweeperIfEmpty();
  }

  /**
   * A pool with nothing idle needs no timer: an outbound proxy keeps a pool per unmeshed
   * destination it ever reached, and a timer each would add up. The next give-back restarts it.
   */
  private synchronized void stopSweeperIfEmpty() {
    if (idle.isEmpty() && sweeper != null) {
      sweeper.cancel(false);
      sweeper = null;
    }
  }

  /** Closes every idle connection. */
  @Override
  public void close() {
    synchronized (this) {
      if (sweeper != null) {
        sweeper.cancel(false);
        sweeper = null;
      }
    }
    H1Client c;
    while ((c = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      c.close();
    }
  }
}
