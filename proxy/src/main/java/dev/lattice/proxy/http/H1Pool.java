package dev.lattice.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * HTTP/1.1 connections to one endpoint, one request at a time each, kept for reuse while idle
 * (Linkerd: idle timeout 3 s). An idle connection the server closes simply leaves the pool.
 */
public final class H1Pool implements Upstream {
  private static final AttributeKey<ScheduledFuture<?>> IDLE_TIMER = AttributeKey.valueOf("lattice.h1.idle");

  private final Function<EventLoop, Future<Channel>> connect;
  private final Duration idleTimeout;
  private final int maxIdle;
  private final ConcurrentLinkedDeque<Channel> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();

  public H1Pool(Function<EventLoop, Future<Channel>> connect, Duration idleTimeout, int maxIdle) {
    this.connect = connect;
    this.idleTimeout = idleTimeout;
    this.maxIdle = maxIdle;
  }

  @Override
  public boolean isHttp2() {
    return false;
  }

  @Override
  public Future<Channel> open(EventLoop loop) {
    Channel ch;
    while ((ch = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      ScheduledFuture<?> timer = ch.attr(IDLE_TIMER).getAndSet(null);
      if (timer != null) {
        timer.cancel(false);
      }
      if (ch.isActive()) {
        IdleWatch watch = ch.pipeline().get(IdleWatch.class);
        if (watch != null) {
          ch.pipeline().remove(watch);
        }
        return loop.newSucceededFuture(ch);
      }
    }
    io.netty.util.concurrent.Promise<Channel> promise = loop.newPromise();
    connect.apply(loop).addListener(f -> {
      if (!f.isSuccess()) {
        promise.tryFailure(f.cause());
        return;
      }
      Channel c = (Channel) f.getNow();
      c.pipeline().addLast("http1", new HttpClientCodec());
      promise.trySuccess(c);
    });
    return promise;
  }

  @Override
  public void release(Channel ch, boolean reusable) {
    if (!reusable || !ch.isActive() || idleCount.get() >= maxIdle) {
      ch.close();
      return;
    }
    ch.config().setAutoRead(true);
    ch.pipeline().addLast(new IdleWatch());
    ch.attr(IDLE_TIMER).set(ch.eventLoop().schedule(() -> {
      if (idle.remove(ch)) {
        idleCount.decrementAndGet();
        ch.close();
      }
    }, idleTimeout.toNanos(), TimeUnit.NANOSECONDS));
    idle.addFirst(ch);
    idleCount.incrementAndGet();
  }

  /** Closes every idle connection. */
  public void close() {
    Channel ch;
    while ((ch = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      ch.close();
    }
  }

  /** An idle connection must not speak; if it does, or closes, it leaves the pool. */
  private final class IdleWatch extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      evict(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      evict(ctx.channel());
      ctx.fireChannelInactive();
    }

    private void evict(Channel ch) {
      if (idle.remove(ch)) {
        idleCount.decrementAndGet();
      }
      ch.close();
    }
  }
}
