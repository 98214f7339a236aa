package dev.lattice.proxy.http;

import dev.lattice.proxy.metrics.ErrorMetrics;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * What a stack decides for the HTTP requests of one connection: where they go, which headers it
 * adds or strips, whether synthesized errors explain themselves, and which metrics they count in.
 * Heads are HTTP/2-shaped whatever the client spoke (see {@link Upstream}).
 */
public interface HttpRoutes {
  /** The upstream for a request that will be sent as HTTP/1 ({@code http1}) or as HTTP/2. */
  Upstream upstream(boolean http1);

  /**
   * The upstream for a body-less HTTP/1.1 request that asks to switch protocols ({@code Upgrade}):
   * only an HTTP/1 upstream can switch. By default the HTTP/1 one; a stack whose HTTP/1 requests
   * ride HTTP/2 (outbound to a meshed peer) gives an upstream with a connection of its own.
   */
  default Upstream upstreamForUpgrade() {
    return upstream(true);
  }

  /** Adjusts request headers before forwarding (e.g. sets {@code l5d-client-id}). */
  void rewriteRequest(Http2Headers headers);

  /** Adjusts response headers before they reach the client (e.g. strips a peer's {@code l5d-proxy-error}). */
  void rewriteResponse(Http2Headers headers);

  /** Whether synthesized errors carry {@code l5d-proxy-error} (and gRPC refusals a {@code grpc-message}). */
  boolean explainErrors();

  HttpMetrics.Target metrics();

  /**
   * The series for one request whose {@code :authority} (or {@code Host}) is {@code authority},
   * {@code null} when it has none. Resolve it once per request, when the head arrives, and use it
   * for the whole exchange. Stacks that label requests by authority (outbound) override this; by
   * default every request counts in {@link #metrics()}.
   */
  default HttpMetrics.Target metrics(CharSequence authority) {
    return metrics();
  }

  /**
   * Whether the client is a peer proxy (a meshed client of the inbound side): it then hears
   * {@code l5d-proxy-connection: close} when its client's connection should close (§3.7).
   */
  default boolean clientIsProxy() {
    return false;
  }

  /** The bound on requests relayed at once by this side of the proxy (shared by its connections). */
  default InFlightLimit inFlight() {
    return InFlightLimit.UNLIMITED;
  }

  /**
   * Why {@code request} is answered here instead of forwarded (e.g. an authorization denial), or
   * {@code null} to forward it. Called once per request, on the event loop, before its body; it
   * must not block. {@code grpc}: the request is gRPC (HTTP/2 with a gRPC content type), so a
   * refusal that does not decide otherwise answers in gRPC's terms. Forwards everything by default.
   */
  default ProxyErrors.Refusal refuse(Http2Headers request, boolean grpc) {
    return null;
  }

  /**
   * Counts one request this side answered with an error of its own ({@code <direction>_http_errors_total}).
   * Refusals by policy are not errors: they have their own counters. Counts nothing by default.
   */
  default void countError(ErrorMetrics.Kind kind) {}
}
