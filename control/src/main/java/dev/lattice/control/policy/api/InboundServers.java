package dev.lattice.control.policy.api;

import com.google.protobuf.ByteString;
import dev.lattice.api.grpc.GrpcRouteMatch;
import dev.lattice.api.grpc.GrpcRpcMatch;
import dev.lattice.api.http.HeaderMatch;
import dev.lattice.api.http.HostMatch;
import dev.lattice.api.http.HttpMethod;
import dev.lattice.api.http.HttpRouteMatch;
import dev.lattice.api.http.PathMatch;
import dev.lattice.api.http.QueryParamMatch;
import dev.lattice.api.inbound.Authn;
import dev.lattice.api.inbound.Authz;
import dev.lattice.api.inbound.GrpcRoute;
import dev.lattice.api.inbound.HttpRoute;
import dev.lattice.api.inbound.Identity;
import dev.lattice.api.inbound.IdentitySuffix;
import dev.lattice.api.inbound.Network;
import dev.lattice.api.inbound.ProxyProtocol;
import dev.lattice.api.inbound.Server;
import dev.lattice.api.meta.Metadata;
import dev.lattice.api.meta.Resource;
import dev.lattice.api.net.IPAddress;
import dev.lattice.api.net.IPNetwork;
import dev.lattice.api.net.IPv6;
import dev.lattice.policy.Authentication;
import dev.lattice.policy.Authorization;
import dev.lattice.policy.Cidr;
import dev.lattice.policy.Meta;
import dev.lattice.policy.PortPolicy;
import dev.lattice.policy.Route;
import dev.lattice.policy.RouteMatch;
import dev.lattice.policy.ValueMatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes a {@link PortPolicy} as Linkerd's inbound {@code Server}. Everything the model holds is on
 * the wire: names ride on labels and metadata ({@code default:audit}, {@code default:probe}, …), so a
 * proxy decoding the message gets an equal {@link PortPolicy} back.
 *
 * <p>Two things the model allows but the wire does not are handled here: an authorization with no
 * networks admits no one, and Linkerd's proxies treat one as an invalid server, so it is left out
 * (decisions are unchanged); and a route whose matches do not fit the port's protocol (gRPC matches on
 * an HTTP port or the reverse) cannot be encoded and is an {@link IllegalArgumentException}.
 */
public final class InboundServers {
  /** Linkerd's policy controller sends this constant detect timeout. */
  public static final Duration DETECT_TIMEOUT = Duration.ofSeconds(10);

  private InboundServers() {}

  /** {@code policy} as a {@code Server}, with {@link #DETECT_TIMEOUT}. */
  public static Server encode(PortPolicy policy) {
    return encode(policy, DETECT_TIMEOUT);
  }

  public static Server encode(PortPolicy policy, Duration detectTimeout) {
    Server.Builder server = Server.newBuilder().putAllLabels(labels(policy.server()));
    policy.authorizations().stream().filter(a -> !a.networks().isEmpty()).forEach(a -> server.addAuthorizations(authz(a)));
    ProxyProtocol.Builder protocol = ProxyProtocol.newBuilder();
    switch (policy.protocol()) {
      case DETECT -> protocol.setDetect(ProxyProtocol.Detect.newBuilder()
          .setTimeout(com.google.protobuf.Duration.newBuilder()
              .setSeconds(detectTimeout.getSeconds()).setNanos(detectTimeout.getNano()))
          .addAllHttpRoutes(httpRoutes(policy)));
      case HTTP1 -> protocol.setHttp1(ProxyProtocol.Http1.newBuilder().addAllRoutes(httpRoutes(policy)));
      case HTTP2 -> protocol.setHttp2(ProxyProtocol.Http2.newBuilder().addAllRoutes(httpRoutes(policy)));
      case GRPC -> protocol.setGrpc(ProxyProtocol.Grpc.newBuilder()
          .addAllRoutes(policy.routes().stream().map(InboundServers::grpcRoute).toList()));
      case OPAQUE -> protocol.setOpaque(ProxyProtocol.Opaque.getDefaultInstance());
      case TLS -> protocol.setTls(ProxyProtocol.Tls.getDefaultInstance());
    }
    return server.setProtocol(protocol).build();
  }

  // ---- names

  static Map<String, String> labels(Meta meta) {
    return Map.of("group", meta.group(), "kind", meta.kind(), "name", meta.name());
  }

  static Metadata metadata(Meta meta) {
    if (meta.isDefault()) {
      return Metadata.newBuilder().setDefault(meta.name()).build();
    }
    return Metadata.newBuilder()
        .setResource(Resource.newBuilder().setGroup(meta.group()).setKind(meta.kind()).setName(meta.name()))
        .build();
  }

  // ---- authorizations

  static Authz authz(Authorization a) {
    Authz.Builder authz = Authz.newBuilder().setMetadata(metadata(a.meta())).putAllLabels(labels(a.meta()));
    for (dev.lattice.policy.Network n : a.networks()) {
      Network.Builder net = Network.newBuilder().setNet(network(n.net()));
      n.except().forEach(e -> net.addExcept(network(e)));
      authz.addNetworks(net);
    }
    Authn.Builder authn = Authn.newBuilder();
    switch (a.authentication()) {
      case Authentication.Unauthenticated u -> authn.setUnauthenticated(Authn.PermitUnauthenticated.getDefaultInstance());
      case Authentication.MeshTls m -> authn.setMeshTLS(Authn.PermitMeshTLS.newBuilder()
          .setUnauthenticated(Authn.PermitUnauthenticated.getDefaultInstance()));
      case Authentication.Identities ids -> {
        Authn.PermitMeshTLS.PermitClientIdentities.Builder permit =
            Authn.PermitMeshTLS.PermitClientIdentities.newBuilder();
        // Sorted: the model holds a set, and equal policies should encode to equal bytes.
        ids.exact().stream().sorted().forEach(id -> permit.addIdentities(Identity.newBuilder().setName(id)));
        for (String suffix : ids.suffixes()) {
          permit.addSuffixes(IdentitySuffix.newBuilder()
              .addAllParts(suffix.isEmpty() ? List.of() : Arrays.asList(suffix.split("\\.", -1))));
        }
        authn.setMeshTLS(Authn.PermitMeshTLS.newBuilder().setIdentities(permit));
      }
    }
    return authz.setAuthentication(authn).build();
  }

  static IPNetwork network(Cidr cidr) {
    return IPNetwork.newBuilder().setIp(ip(cidr.base())).setPrefixLen(cidr.prefix()).build();
  }

  static IPAddress ip(dev.lattice.policy.Ip ip) {
    if (!ip.v6()) {
      return IPAddress.newBuilder().setIpv4((int) ip.lo()).build();
    }
    return IPAddress.newBuilder().setIpv6(IPv6.newBuilder().setFirst(ip.hi()).setLast(ip.lo())).build();
  }

  // ---- routes

  private static List<HttpRoute> httpRoutes(PortPolicy policy) {
    return policy.routes().stream().map(InboundServers::httpRoute).toList();
  }

  static HttpRoute httpRoute(Route route) {
    HttpRoute.Builder out = HttpRoute.newBuilder().setMetadata(metadata(route.meta()));
    route.hosts().forEach(h -> out.addHosts(host(h)));
    route.authorizations().stream().filter(a -> !a.networks().isEmpty()).forEach(a -> out.addAuthorizations(authz(a)));
    for (Route.Rule rule : route.rules()) {
      HttpRoute.Rule.Builder r = HttpRoute.Rule.newBuilder();
      for (RouteMatch m : rule.matches()) {
        if (!(m instanceof RouteMatch.Http http)) {
          throw new IllegalArgumentException("route " + route.meta() + " has a gRPC match (" + m
              + ") on an HTTP port; gRPC matches need a gRPC server");
        }
        r.addMatches(httpMatch(http));
      }
      out.addRules(r);
    }
    return out.build();
  }

  static GrpcRoute grpcRoute(Route route) {
    GrpcRoute.Builder out = GrpcRoute.newBuilder().setMetadata(metadata(route.meta()));
    route.hosts().forEach(h -> out.addHosts(host(h)));
    route.authorizations().stream().filter(a -> !a.networks().isEmpty()).forEach(a -> out.addAuthorizations(authz(a)));
    for (Route.Rule rule : route.rules()) {
      GrpcRoute.Rule.Builder r = GrpcRoute.Rule.newBuilder();
      for (RouteMatch m : rule.matches()) {
        if (!(m instanceof RouteMatch.Grpc grpc)) {
          throw new IllegalArgumentException("route " + route.meta() + " has an HTTP match (" + m
              + ") on a gRPC port; a gRPC server takes gRPC matches only");
        }
        GrpcRouteMatch.Builder match = GrpcRouteMatch.newBuilder();
        if (grpc.service() != null || grpc.method() != null) {
          match.setRpc(GrpcRpcMatch.newBuilder()
              .setService(grpc.service() == null ? "" : grpc.service())
              .setMethod(grpc.method() == null ? "" : grpc.method()));
        }
        grpc.headers().forEach(h -> match.addHeaders(header(h)));
        r.addMatches(match);
      }
      out.addRules(r);
    }
    return out.build();
  }

  static HostMatch host(dev.lattice.policy.HostMatch host) {
    return switch (host) {
      case dev.lattice.policy.HostMatch.Exact e -> HostMatch.newBuilder().setExact(e.host()).build();
      case dev.lattice.policy.HostMatch.Suffix s -> {
        List<String> labels = new ArrayList<>(Arrays.asList(s.dotSuffix().substring(1).split("\\.", -1)));
        java.util.Collections.reverse(labels);
        yield HostMatch.newBuilder().setSuffix(HostMatch.Suffix.newBuilder().addAllReverseLabels(labels)).build();
      }
    };
  }

  static HttpRouteMatch httpMatch(RouteMatch.Http m) {
    HttpRouteMatch.Builder out = HttpRouteMatch.newBuilder();
    out.setPath(switch (m.path()) {
      case dev.lattice.policy.PathMatch.Exact e -> PathMatch.newBuilder().setExact(e.value()).build();
      case dev.lattice.policy.PathMatch.Prefix p -> PathMatch.newBuilder().setPrefix(p.value()).build();
      case dev.lattice.policy.PathMatch.Regex r -> PathMatch.newBuilder().setRegex(r.pattern().pattern()).build();
    });
    m.headers().forEach(h -> out.addHeaders(header(h)));
    for (dev.lattice.policy.QueryParamMatch q : m.queryParams()) {
      QueryParamMatch.Builder qp = QueryParamMatch.newBuilder().setName(q.name());
      switch (q.value()) {
        case ValueMatch.Exact e -> qp.setExact(e.value());
        case ValueMatch.Regex r -> qp.setRegex(r.pattern().pattern());
      }
      out.addQueryParams(qp);
    }
    if (m.method() != null) {
      out.setMethod(method(m.method()));
    }
    return out.build();
  }

  static HeaderMatch header(dev.lattice.policy.HeaderMatch h) {
    HeaderMatch.Builder out = HeaderMatch.newBuilder().setName(h.name());
    switch (h.value()) {
      case ValueMatch.Exact e -> out.setExact(ByteString.copyFrom(e.value(), StandardCharsets.UTF_8));
      case ValueMatch.Regex r -> out.setRegex(r.pattern().pattern());
    }
    return out.build();
  }

  static HttpMethod method(String method) {
    for (HttpMethod.Registered r : HttpMethod.Registered.values()) {
      if (r != HttpMethod.Registered.UNRECOGNIZED && r.name().equals(method)) {
        return HttpMethod.newBuilder().setRegistered(r).build();
      }
    }
    return HttpMethod.newBuilder().setUnregistered(method).build();
  }
}
