package dev.lattice.proxy.inbound;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.http.MeshHeaders;
import dev.lattice.proxy.http.HttpRoutes;
import dev.lattice.proxy.http.InFlightLimit;
import dev.lattice.proxy.http.Upstream;
import dev.lattice.proxy.http.ProxyErrors;
import dev.lattice.proxy.metrics.ErrorMetrics;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Optional;

/**
 * Inbound HTTP for one connection: requests go to the app's port (HTTP/1 pool or h2c connection,
 * by the version the request is sent in); {@code l5d-client-id} is always stripped and set only
 * to an identity the client proved over mTLS; requests the port's policy refuses are answered here.
 */
record InboundRoutes(AppUpstreams apps, int port, Optional<IdentityName> client, HttpMetrics.Target metrics,
    AuthorizeLayer.Requests authorization, InFlightLimit inFlight, ErrorMetrics errors) implements HttpRoutes {
  @Override
  public Upstream upstream(boolean http1) {
    return http1 ? apps.http1(port) : apps.http2(port);
  }

  @Override
  public void rewriteRequest(Http2Headers headers) {
    headers.remove(MeshHeaders.CLIENT_ID);
    if (client.isPresent()) { // not ifPresent: its lambda would capture the headers, per request
      headers.add(MeshHeaders.CLIENT_ID, client.get().value());
    }
  }

  @Override
  public void rewriteResponse(Http2Headers headers) {}

  /** Policy: each request is authorized against the port's policy at that instant. */
  @Override
  public ProxyErrors.Refusal refuse(Http2Headers request, boolean grpc) {
    return authorization.refuse(request);
  }

  /** A client that proved an identity over mesh TLS is a peer proxy. */
  @Override
  public boolean clientIsProxy() {
    return client.isPresent();
  }

  @Override
  public void countError(ErrorMetrics.Kind kind) {
    errors.http(kind);
  }

  /** Only meshed clients (a proven identity) learn why the proxy failed a request. */
  @Override
  public boolean explainErrors() {
    return client.isPresent();
  }
}
