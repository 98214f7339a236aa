package dev.lattice.proxy.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * What a stack decides for the HTTP requests of one connection: where they go, which headers it
 * adds or strips, whether synthesized errors explain themselves, and which metrics they count in.
 */
public interface HttpRoutes {
  /** The upstream for a request that will be sent as HTTP/1 ({@code http1}) or as HTTP/2. */
  Upstream upstream(boolean http1);

  /** Adjusts request headers before forwarding (e.g. sets {@code l5d-client-id}). */
  void rewriteRequest(HttpHeaders headers);

  /** Adjusts response headers before they reach the client (e.g. strips a peer's {@code l5d-proxy-error}). */
  void rewriteResponse(HttpHeaders headers);

  /** Whether synthesized errors carry {@code l5d-proxy-error}. */
  boolean explainErrors();

  HttpMetrics.Target metrics();

  /**
   * The response that refuses {@code request} before anything is forwarded (e.g. an authorization
   * denial), or {@code null} to forward it. Called once per request, on the event loop, before the
   * request body; it must not block. Forwards everything by default.
   */
  default FullHttpResponse refuse(HttpRequest request) {
    return null;
  }
}
