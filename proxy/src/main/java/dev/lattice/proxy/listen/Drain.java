package dev.lattice.proxy.listen;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Graceful shutdown: stop accepting, tell every open connection to wind down (HTTP/2 sends GOAWAY,
 * HTTP/1 closes after the in-flight response, opaque streams run to completion), then wait for them
 * to close, up to a grace period.
 */
public final class Drain {
  /** The user event fired through each connection's pipeline when draining starts. */
  public static final Object SIGNAL = new Object() {
    @Override
    public String toString() {
      return "Drain.SIGNAL";
    }
  };

  private final List<Channel> listeners = new CopyOnWriteArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
  private volatile boolean draining;

  public void addListener(Channel listener) {
    listeners.add(listener);
  }

  /** Tracks an accepted connection; one that arrives after draining began is told to drain at once. */
  public void track(Channel accepted) {
    connections.add(accepted);
    if (draining) {
      accepted.pipeline().fireUserEventTriggered(SIGNAL);
    }
  }

  public boolean isDraining() {
    return draining;
  }

  public int openConnections() {
    return connections.size();
  }

  /**
   * Drains and waits. Returns true when every connection closed within {@code grace}; false when the
   * grace period ran out (the remaining connections are then closed hard).
   */
  public boolean drain(Duration grace) {
    draining = true;
    for (Channel listener : listeners) {
      listener.close().awaitUninterruptibly();
    }
    for (Channel c : connections) {
      c.eventLoop().execute(() -> c.pipeline().fireUserEventTriggered(SIGNAL));
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (!connections.isEmpty() && System.nanoTime() < deadline) {
      Channel any = connections.stream().findFirst().orElse(null);
      if (any != null) {
        any.closeFuture().awaitUninterruptibly(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
      }
    }
    boolean clean = connections.isEmpty();
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    return clean;
  }
}
