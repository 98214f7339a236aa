package dev.lattice.proxy.http;

import io.netty.handler.codec.http2.Http2Headers;

/**
 * Where requests go. An HTTP/2 upstream opens a stream on one shared connection per endpoint; an
 * HTTP/1 one borrows a pooled connection. Requests are HTTP/2-shaped ({@code :method},
 * {@code :path}, {@code :authority}, {@code :scheme} and regular headers) whatever the upstream
 * speaks, so the relay between client and upstream is one piece of code.
 */
public interface Upstream {
  /**
   * Sends a request head ({@code endOfStream} when it has no body) and returns the handle for the
   * rest of it. The answer — or the failure to reach the upstream — goes to {@code listener}.
   */
  UpstreamCall send(Http2Headers head, boolean endOfStream, ResponseListener listener);

  /**
   * Sends a body-less HTTP/1.1 request that asks to switch to {@code protocol} ({@code Upgrade},
   * e.g. WebSocket) on a connection of its own. If the upstream answers 101, the listener hears
   * {@link ResponseListener#switchedProtocols} and takes the connection; any other answer is an
   * ordinary response. Upstreams that cannot switch (HTTP/2: RFC 9113 §8.6) send the request
   * without the upgrade.
   */
  default UpstreamCall sendUpgrade(Http2Headers head, CharSequence protocol, ResponseListener listener) {
    return send(head, true, listener);
  }

  /** True when requests travel as HTTP/2 (so HTTP/1 requests are upgraded with l5d-orig-proto). */
  boolean isHttp2();

  /** Closes idle or shared connections (shutdown). */
  void close();
}
