package dev.lattice.proxy.listen;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops accepting while the proxy holds as many client connections as its heap can carry, the way
 * haproxy's {@code maxconn} does: further clients wait in the kernel's accept queue instead of
 * being refused, and accepting resumes once a tenth of the limit has closed.
 *
 * <p>A sidecar-sized heap is small: an idle HTTP/1 keep-alive connection costs about 2.6 KB of it,
 * so 5,000 of them filled a 12 MB heap, and the {@code OutOfMemoryError} ended the event loop's
 * thread — a proxy that still ran but answered nothing. The default limit leaves
 * {@value #RESERVED_HEAP_MB} MB of the heap to everything else and allows
 * {@value #HEAP_PER_CONNECTION_KB} KB per connection, room for a request in flight on each: at
 * {@code -Xmx12m}, 1,322 connections each waiting on an unanswered request left collections
 * normal, while 1,984 connections with 992 requests in flight sent the proxy into back-to-back
 * full collections.
 *
 * <p>Installed on every listener's own pipeline ({@code ServerBootstrap.handler}), where each
 * accepted connection passes as a message before it is initialised. One instance spans all
 * listeners of a proxy. An event-loop pass accepts up to 16 connections per listener, so the count
 * can pass the limit by that much before the listeners pause.
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {
  static final int RESERVED_HEAP_MB = 4;
  static final int HEAP_PER_CONNECTION_KB = 6;
  private static final int MIN_DEFAULT = 256;
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;
  private final int resumeAt;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicBoolean paused = new AtomicBoolean();
  private final List<Channel> listeners = new CopyOnWriteArrayList<>();

  public ConnectionLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max connections: " + max + " (expected: >= 1)");
    }
    this.max = max;
    this.resumeAt = max - Math.max(1, max / 10);
  }

  /** The default for a heap of {@code maxHeapBytes} ({@code Runtime.maxMemory()}): 1,322 for {@code -Xmx12m}. */
  public static int defaultFor(long maxHeapBytes) {
    long spare = maxHeapBytes - RESERVED_HEAP_MB * 1024L * 1024L;
    return (int) Math.max(MIN_DEFAULT, Math.min(1_000_000, spare / (HEAP_PER_CONNECTION_KB * 1024L)));
  }

  public int max() {
    return max;
  }

  /** Connections accepted through this limit and not yet closed. */
  public int open() {
    return open.get();
  }

  public boolean isPaused() {
    return paused.get();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    listeners.add(ctx.channel());
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    listeners.remove(ctx.channel());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel accepted) {
      int now = open.incrementAndGet();
      accepted.closeFuture().addListener(f -> closed());
      if (now >= max && paused.compareAndSet(false, true)) {
        log.warn("{} open connections, the limit (LATTICE_PROXY_MAX_CONNECTIONS; the default follows the heap,"
            + " -Xmx): new clients wait in the accept queue until {} remain", now, resumeAt);
        listeners.forEach(l -> l.config().setAutoRead(false));
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void closed() {
    if (open.decrementAndGet() <= resumeAt && paused.compareAndSet(true, false)) {
      log.info("accepting connections again ({} open)", open.get());
      listeners.forEach(l -> {
        if (l.isOpen()) {
          l.config().setAutoRead(true);
        }
      });
    }
  }
}
