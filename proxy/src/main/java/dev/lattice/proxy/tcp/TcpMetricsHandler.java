package dev.lattice.proxy.tcp;

import dev.lattice.proxy.metrics.Labels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts a connection's bytes on the wire (it sits first in the pipeline, below TLS). Its labels
 * may be known only after detection: until {@link #bind} is called, counts accumulate locally and
 * are added when the series is resolved. A connection that closes unbound is counted under the
 * fallback labels it was created with. The series is held from {@link #bind} until the connection
 * closes.
 */
public final class TcpMetricsHandler extends ChannelDuplexHandler {
  public static final String NAME = "tcp-metrics";

  private final TcpMetrics metrics;
  private final Labels fallback;
  private TcpMetrics.Series series;
  private boolean closed;
  private long pendingRead;
  private long pendingWrite;

  public TcpMetricsHandler(TcpMetrics metrics, Labels fallback) {
    this.metrics = metrics;
    this.fallback = fallback;
  }

  /** The handler on {@code channel}, or null. */
  public static TcpMetricsHandler of(Channel channel) {
    return channel.pipeline().get(TcpMetricsHandler.class);
  }

  /** Resolves the connection's series (once; later calls are ignored). Call on the event loop. */
  public void bind(Labels labels) {
    if (series != null || closed) {
      return;
    }
    series = metrics.acquire(labels);
    series.open.inc();
    series.openNow.inc();
    series.read.add(pendingRead);
    series.write.add(pendingWrite);
    pendingRead = 0;
    pendingWrite = 0;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    long n = size(msg);
    if (series != null) {
      series.read.add(n);
    } else {
      pendingRead += n;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    long n = size(msg);
    if (series != null) {
      series.write.add(n);
    } else {
      pendingWrite += n;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (series == null) {
      bind(fallback);
    }
    series.close.inc();
    series.openNow.dec();
    metrics.release(series);
    // Released series may be dropped: bytes written after this point (failing writes) go nowhere.
    series = null;
    closed = true;
    ctx.fireChannelInactive();
  }

  private static long size(Object msg) {
    return switch (msg) {
      case ByteBuf b -> b.readableBytes();
      case ByteBufHolder h -> h.content().readableBytes();
      default -> 0;
    };
  }
}
