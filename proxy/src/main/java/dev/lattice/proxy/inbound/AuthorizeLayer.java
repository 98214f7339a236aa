package dev.lattice.proxy.inbound;

import dev.lattice.pki.IdentityName;
import dev.lattice.policy.Decision;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.proxy.http.ProxyErrors;
import dev.lattice.proxy.policy.ConnectionFacts;
import dev.lattice.proxy.policy.InboundAuthorizer;
import dev.lattice.proxy.policy.PortState;
import dev.lattice.proxy.tcp.Hold;
import dev.lattice.proxy.tls.ServerTls;
import dev.lattice.proxy.transport.OrigDstAddr;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Inbound policy enforcement (spec §2): opaque, TLS-passthrough and undetected connections are
 * authorized once and re-checked on every policy change; HTTP requests are authorized one by one and
 * refused with 403 / 404 / 500 (gRPC: trailers-only status 7 / 5 / 13). Only meshed clients learn why
 * ({@code l5d-proxy-error}, {@code grpc-message}). Without an authorizer every call admits.
 *
 * <p>Decisions are made on the event loop: the stack first waits (without blocking) for the port's
 * policy with {@link #whenReady}, after which the authorizer answers at once.
 */
final class AuthorizeLayer {
  private final Optional<InboundAuthorizer> authorizer;

  AuthorizeLayer(Optional<InboundAuthorizer> authorizer) {
    this.authorizer = authorizer;
  }

  boolean enabled() {
    return authorizer.isPresent();
  }

  /**
   * Runs {@code next} once {@code port}'s policy is known (or the wait for it is over). Whatever the
   * client sends meanwhile is held and replayed to the handlers {@code next} adds at the pipeline's end.
   */
  void whenReady(Channel ch, int port, Runnable next) {
    if (authorizer.isEmpty()) {
      next.run();
      return;
    }
    CompletableFuture<PortState> ready = authorizer.get().ready(port);
    if (ready.isDone()) {
      next.run();
      return;
    }
    Hold hold = new Hold();
    ch.pipeline().addLast("policy-wait", hold);
    ready.whenComplete((state, failure) -> ch.eventLoop().execute(() -> {
      if (!ch.isActive()) {
        return; // the hold dropped what it had when the channel closed
      }
      next.run();
      hold.release();
    }));
  }

  /** Whether the port's policy says its traffic is not to be inspected (opaque or TLS). Never blocks. */
  boolean skipsDetection(int port) {
    return authorizer.map(a -> {
      ProxyProtocol p = a.state(port).policy().protocol();
      return p == ProxyProtocol.OPAQUE || p == ProxyProtocol.TLS;
    }).orElse(false);
  }

  /**
   * Authorizes a non-HTTP connection: runs {@code forward} if allowed and keeps re-checking it on
   * policy changes (closing it if one revokes it); otherwise closes it before a byte is forwarded.
   */
  void admitConnection(Channel ch, OrigDstAddr dst, int port, ServerTls tls, Runnable forward) {
    if (authorizer.isEmpty()) {
      forward.run();
      return;
    }
    InboundAuthorizer a = authorizer.get();
    ConnectionFacts facts = facts(a, ch, dst, port, tls);
    Decision decision = a.authorizeConnection(facts);
    if (!decision.allowed()) {
      ch.close();
      return;
    }
    AutoCloseable guard = a.guard(facts, ch::close);
    ch.closeFuture().addListener(f -> guard.close());
    forward.run();
  }

  /** The per-request check for one HTTP connection. */
  Requests requests(Channel ch, OrigDstAddr dst, int port, ServerTls tls) {
    if (authorizer.isEmpty()) {
      return Requests.ALLOW_ALL;
    }
    InboundAuthorizer a = authorizer.get();
    ConnectionFacts facts = facts(a, ch, dst, port, tls);
    Optional<IdentityName> client = tls.clientIdentity();
    return request -> refusal(a, facts, client, request);
  }

  /** Decides each request of one connection; {@code null} means forward it. */
  @FunctionalInterface
  interface Requests {
    Requests ALLOW_ALL = request -> null;

    ProxyErrors.Refusal refuse(Http2Headers request);
  }

  private static ProxyErrors.Refusal refusal(InboundAuthorizer a, ConnectionFacts facts, Optional<IdentityName> client,
      Http2Headers request) {
    CharSequence authority = request.authority();
    CharSequence path = request.path();
    Decision d = a.authorizeRequest(facts, String.valueOf(request.method()), authority == null ? "" : authority.toString(),
        path == null ? "/" : path.toString(), name -> strings(request.getAll(name)));
    if (d.allowed()) {
      return null;
    }
    String where = "client " + facts.client().ip() + ": server " + d.server().kind() + "/" + d.server().name();
    ProxyErrors.Failure failure = switch (d.response()) {
      case HTTP_403, GRPC_PERMISSION_DENIED -> new ProxyErrors.Failure(HttpResponseStatus.FORBIDDEN, 7,
          where + ": unauthorized request on route " + (d.route() == null ? "" : d.route().kind() + "/" + d.route().name()));
      case HTTP_404, GRPC_NOT_FOUND -> new ProxyErrors.Failure(HttpResponseStatus.NOT_FOUND, 5,
          where + ": no route found for request");
      default -> new ProxyErrors.Failure(HttpResponseStatus.INTERNAL_SERVER_ERROR, 13, d.reason());
    };
    boolean grpc = switch (d.response()) {
      case GRPC_PERMISSION_DENIED, GRPC_NOT_FOUND, GRPC_INTERNAL -> true;
      default -> false;
    };
    return new ProxyErrors.Refusal(failure, grpc, d.outcome() == Decision.Outcome.INVALID_POLICY && !grpc);
  }

  private static java.util.List<String> strings(java.util.List<CharSequence> values) {
    if (values.isEmpty()) {
      return java.util.List.of();
    }
    String[] out = new String[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).toString();
    }
    return java.util.List.of(out);
  }

  private static ConnectionFacts facts(InboundAuthorizer a, Channel ch, OrigDstAddr dst, int port, ServerTls tls) {
    InetSocketAddress target = new InetSocketAddress(dst.address().getAddress(), port);
    boolean meshTls = tls instanceof ServerTls.Established;
    String clientId = tls.clientIdentity().map(IdentityName::value).orElse("");
    return a.connection(target, (InetSocketAddress) ch.remoteAddress(), meshTls, clientId);
  }

  /** The origin-form target of a request, also for absolute-form HTTP/1 URIs ({@code http://host/path?q}). */
  static String pathAndQuery(String uri) {
    int scheme = uri.indexOf("://");
    if (scheme < 0 || uri.startsWith("/")) {
      return uri.isEmpty() ? "/" : uri;
    }
    int slash = uri.indexOf('/', scheme + 3);
    int query = uri.indexOf('?', scheme + 3);
    if (slash < 0 || (query >= 0 && query < slash)) {
      return "/" + (query >= 0 ? uri.substring(query) : "");
    }
    return uri.substring(slash);
  }
}
