package dev.lattice.proxy.outbound;

import dev.lattice.api.Headers;
import dev.lattice.proxy.http.H2Upstream;
import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.http.HttpRoutes;
import dev.lattice.proxy.http.Upstream;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Outbound HTTP to a meshed endpoint: every request, whatever its version, rides the peer's shared
 * HTTP/2 connection. A peer's {@code l5d-proxy-error} is removed, so the app only ever sees errors
 * from its own proxy.
 */
record OutboundRoutes(H2Upstream peer, HttpMetrics.Target metrics) implements HttpRoutes {
  @Override
  public Upstream upstream(boolean http1) {
    return peer;
  }

  @Override
  public void rewriteRequest(Http2Headers headers) {}

  @Override
  public void rewriteResponse(Http2Headers headers) {
    headers.remove(Headers.PROXY_ERROR);
  }

  @Override
  public boolean explainErrors() {
    return true;
  }
}
