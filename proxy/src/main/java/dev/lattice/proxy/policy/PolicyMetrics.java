package dev.lattice.proxy.policy;

import dev.lattice.policy.Decision;
import dev.lattice.policy.Meta;
import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;

/**
 * The inbound authorization counters, with Linkerd's names and labels (spec §2.3): target, server,
 * route (HTTP), authorization (allowed) and the connection's TLS labels. A series appears when first
 * incremented. Each connection resolves a (server, route, authorization) series once and keeps it.
 */
public final class PolicyMetrics {
  static final String HTTP_ALLOW = "inbound_http_authz_allow_total";
  static final String HTTP_DENY = "inbound_http_authz_deny_total";
  static final String ROUTE_NOT_FOUND = "inbound_http_route_not_found_total";
  static final String TCP_ALLOW = "inbound_tcp_authz_allow_total";
  static final String TCP_DENY = "inbound_tcp_authz_deny_total";
  static final String TCP_TERMINATE = "inbound_tcp_authz_terminate_total";

  private final Family<Counter> httpAllow;
  private final Family<Counter> httpDeny;
  private final Family<Counter> routeNotFound;
  private final Family<Counter> tcpAllow;
  private final Family<Counter> tcpDeny;
  private final Family<Counter> tcpTerminate;

  public PolicyMetrics(MetricsRegistry registry) {
    httpAllow = registry.counter(HTTP_ALLOW, "The total number of inbound HTTP requests that were authorized");
    httpDeny = registry.counter(HTTP_DENY, "The total number of inbound HTTP requests that could not be authorized");
    routeNotFound = registry.counter(ROUTE_NOT_FOUND,
        "The total number of inbound HTTP requests that could not be associated with a route");
    tcpAllow = registry.counter(TCP_ALLOW, "The total number of inbound TCP connections that were authorized");
    tcpDeny = registry.counter(TCP_DENY, "The total number of inbound TCP connections that were denied");
    tcpTerminate = registry.counter(TCP_TERMINATE,
        "The total number of inbound TCP connections that were terminated due to an authorization change");
  }

  /** Counts {@code decision} for {@code connection}; decisions of an invalid policy are not counted. */
  void count(ConnectionFacts connection, Decision decision) {
    if (decision.outcome() == Decision.Outcome.INVALID_POLICY) {
      return;
    }
    connection.counter(decision, d -> resolve(connection, d)).inc();
  }

  /** An authorized TCP connection was closed because a policy change revoked it. */
  void terminated(ConnectionFacts connection, Meta server) {
    tcpTerminate.labels(connection.targetLabels().and(server(server, connection.port())).and(connection.tlsLabels()))
        .inc();
  }

  private Counter resolve(ConnectionFacts c, Decision d) {
    Labels labels = c.targetLabels().and(server(d.server(), c.port()));
    boolean http = d.level() == Decision.Level.REQUEST;
    return switch (d.outcome()) {
      case ALLOWED -> http
          ? httpAllow.labels(labels.and(route(d.route())).and(authz(d.authorization())).and(c.tlsLabels()))
          : tcpAllow.labels(labels.and(authz(d.authorization())).and(c.tlsLabels()));
      case UNAUTHORIZED -> http
          ? httpDeny.labels(labels.and(route(d.route())).and(c.tlsLabels()))
          : tcpDeny.labels(labels.and(c.tlsLabels()));
      case NO_ROUTE -> routeNotFound.labels(labels.and(c.tlsLabels()));
      case INVALID_POLICY -> throw new IllegalStateException("invalid-policy decisions are not counted");
    };
  }

  private static Labels server(Meta m, int port) {
    return Labels.of("srv_group", m.group(), "srv_kind", m.kind(), "srv_name", m.name(), "srv_port",
        Integer.toString(port));
  }

  private static Labels route(Meta m) {
    return Labels.of("route_group", m.group(), "route_kind", m.kind(), "route_name", m.name());
  }

  private static Labels authz(Meta m) {
    return Labels.of("authz_group", m.group(), "authz_kind", m.kind(), "authz_name", m.name());
  }
}
