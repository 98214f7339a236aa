package dev.lattice.proxy.outbound;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.http.H2Upstream;
import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.http.MeshHeaders;
import dev.lattice.proxy.http.HttpRoutes;
import dev.lattice.proxy.http.InFlightLimit;
import dev.lattice.proxy.http.ProxyErrors;
import dev.lattice.proxy.http.Upstream;
import dev.lattice.proxy.metrics.ErrorMetrics;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.function.Supplier;

/**
 * Outbound HTTP for one client connection. To a meshed endpoint every request, whatever its
 * version, rides the peer's shared HTTP/2 connection, and a peer's {@code l5d-proxy-error} is
 * removed so the app only ever sees errors from its own proxy. To an unmeshed endpoint requests
 * keep their version: HTTP/1 on a pooled HTTP/1.1 connection, HTTP/2 on one h2c connection, both
 * in plaintext. Either way the proxy explains its own errors to the app (unless
 * {@code LINKERD2_PROXY_OUTBOUND_DISABLE_INFORMATIONAL_HEADERS} says not to), and requests are counted
 * per {@code authority}.
 *
 * @param http1 where requests sent as HTTP/1 go
 * @param http2 where requests sent as HTTP/2 go
 * @param upgrades where a request that asks to switch protocols goes; {@code null}: to {@code http1}
 * @param stripPeerErrors whether responses come from a peer proxy whose explanations are not for the app
 * @param serverId the identity the destination proves ({@code null}: not meshed), for {@code l5d-require-id}
 * @param targets this connection's request series
 * @param errors the outbound side's error counters
 * @param explainErrors whether the proxy's own errors carry {@code l5d-proxy-error} to the application
 *     (unless {@code LINKERD2_PROXY_OUTBOUND_DISABLE_INFORMATIONAL_HEADERS})
 */
record OutboundRoutes(Upstream http1, Upstream http2, Supplier<Upstream> upgrades, boolean stripPeerErrors,
    String serverId, AuthorityTargets targets, InFlightLimit inFlight, ErrorMetrics errors, boolean explainErrors)
    implements HttpRoutes {

  /**
   * Every request upgraded onto the peer proxy's HTTP/2 connection, except one asking to switch
   * protocols: that goes as HTTP/1 on an mTLS connection of its own ({@code upgrades}).
   */
  static OutboundRoutes meshed(H2Upstream peer, IdentityName serverId, Supplier<Upstream> upgrades, AuthorityTargets targets,
      InFlightLimit inFlight, ErrorMetrics errors, boolean explainErrors) {
    return new OutboundRoutes(peer, peer, upgrades, true, serverId.value(), targets, inFlight, errors, explainErrors);
  }

  /** Requests in their own version, straight to the destination. */
  static OutboundRoutes unmeshed(PlainUpstreams.Target destination, AuthorityTargets targets, InFlightLimit inFlight,
      ErrorMetrics errors, boolean explainErrors) {
    return new OutboundRoutes(destination.http1(), destination.http2(), null, false, null, targets, inFlight, errors,
        explainErrors);
  }

  @Override
  public Upstream upstreamForUpgrade() {
    return upgrades == null ? http1 : upgrades.get();
  }

  @Override
  public Upstream upstream(boolean http1) {
    return http1 ? this.http1 : http2;
  }

  @Override
  public void rewriteRequest(Http2Headers headers) {}

  @Override
  public void rewriteResponse(Http2Headers headers) {
    if (stripPeerErrors) {
      headers.remove(MeshHeaders.PROXY_ERROR);
    }
  }

  /**
   * §3.6 {@code l5d-require-id}: the application demands that the destination prove this identity.
   * The header never leaves the proxy. A destination with another identity, or none (not meshed),
   * gets no request: 502, and the client's connection closes, as in Linkerd. Any value that does not
   * equal the destination's identity fails, a malformed one too (Linkerd ignores a value it cannot
   * parse: the guarantee the application asked for would silently not hold).
   */
  @Override
  public ProxyErrors.Refusal refuse(Http2Headers request, boolean grpc) {
    CharSequence required = request.getAndRemove(MeshHeaders.REQUIRE_ID);
    if (required == null || (serverId != null && AsciiString.contentEquals(serverId, required))) {
      return null;
    }
    errors.http(ErrorMetrics.Kind.IDENTITY_REQUIRED);
    return new ProxyErrors.Refusal(ProxyErrors.identityRequired(required, serverId), grpc, true);
  }

  @Override
  public void countError(ErrorMetrics.Kind kind) {
    errors.http(kind);
  }

  /** Requests whose authority is not known. */
  @Override
  public HttpMetrics.Target metrics() {
    return targets.withoutAuthority();
  }

  @Override
  public HttpMetrics.Target metrics(CharSequence authority) {
    return targets.forAuthority(authority);
  }
}
