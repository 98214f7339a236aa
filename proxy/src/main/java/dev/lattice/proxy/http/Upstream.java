package dev.lattice.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * Where requests go: hands out a channel for one exchange — write the request as
 * {@link io.netty.handler.codec.http.HttpObject}s, read the response the same way — and takes it
 * back afterwards. An HTTP/2 upstream gives a new stream on one shared connection; an HTTP/1 one
 * gives a pooled connection.
 */
public interface Upstream {
  /** Completes with the exchange channel (not reading yet), or fails with why it can't be reached. */
  Future<Channel> open(EventLoop loop);

  /** Gives the channel back; {@code reusable} only if both messages completed cleanly. */
  void release(Channel exchange, boolean reusable);

  /** True when requests travel as HTTP/2 (so HTTP/1 requests are upgraded with l5d-orig-proto). */
  boolean isHttp2();
}
