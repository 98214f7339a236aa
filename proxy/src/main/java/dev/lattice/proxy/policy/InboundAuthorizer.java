package dev.lattice.proxy.policy;

import dev.lattice.policy.Client;
import dev.lattice.policy.ClientTls;
import dev.lattice.policy.Decision;
import dev.lattice.policy.Headers;
import dev.lattice.policy.Ip;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.Request;
import dev.lattice.proxy.metrics.Labels;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the inbound stack asks of policy, in four calls:
 *
 * <pre>{@code
 * ConnectionFacts c = authorizer.connection(origDst, peer, tlsTerminated, clientId);   // on accept
 * Decision d = authorizer.authorizeConnection(c);       // opaque/TLS/non-HTTP: close unless allowed
 * AutoCloseable g = authorizer.guard(c, channel::close); // ...and close it if a change revokes it
 * Decision r = authorizer.authorizeRequest(c, method, authority, pathAndQuery, headers); // each request
 * }</pre>
 *
 * <p>It counts every decision (spec §2.3 metrics) and logs denials, audited admissions and
 * terminations at INFO; the stack only acts on {@link Decision#response()}. On an event loop, chain
 * on {@link #ready(int)} first: the authorize calls block only while the port has no policy yet, and
 * then for at most the configured wait.
 */
public final class InboundAuthorizer {
  private static final Logger log = LoggerFactory.getLogger(InboundAuthorizer.class);

  private final InboundPolicies policies;
  private final PolicyMetrics metrics;

  public InboundAuthorizer(InboundPolicies policies, PolicyMetrics metrics) {
    this.policies = Objects.requireNonNull(policies, "policies");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * The facts of a connection just accepted.
   *
   * @param target the original destination (the pod IP and the application's port)
   * @param client the peer address
   * @param meshTls whether the proxy terminated mesh TLS on it
   * @param clientId the verified client identity, or {@code ""} (also when {@code meshTls} is false)
   */
  public ConnectionFacts connection(InetSocketAddress target, InetSocketAddress client, boolean meshTls,
      String clientId) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(client, "client");
    Ip ip = Ip.of(client.getAddress());
    ClientTls tls = meshTls ? ClientTls.mesh(clientId == null ? "" : clientId) : ClientTls.plaintext();
    String targetIp = target.getAddress().getHostAddress();
    String targetAddr = (targetIp.contains(":") ? "[" + targetIp + "]" : targetIp) + ":" + target.getPort();
    Labels targetLabels = Labels.of("target_addr", targetAddr, "target_ip", targetIp, "target_port",
        Integer.toString(target.getPort()));
    Labels tlsLabels;
    if (meshTls) {
      tlsLabels = Labels.of("tls", "true", "client_id", clientId == null ? "" : clientId);
    } else {
      String reason = ip.isLoopback() ? "loopback"
          : policies.current(target.getPort()).policy().protocol() == ProxyProtocol.OPAQUE ? "port_skipped"
          : "no_tls_from_remote";
      tlsLabels = Labels.of("tls", "no_identity", "no_tls_reason", reason);
    }
    return new ConnectionFacts(target.getPort(), target, new Client(ip, tls), targetLabels, tlsLabels);
  }

  /** Completes when {@code port}'s policy is known (or the wait for it is over); never fails. */
  public CompletableFuture<PortState> ready(int port) {
    return policies.ready(port);
  }

  /** The port's state now (for protocol handling: opaque, TLS, detect, HTTP). Never blocks. */
  public PortState state(int port) {
    return policies.current(port);
  }

  /** A connection whose traffic is not HTTP: allowed, or {@link Decision.Response#CLOSE}. */
  public Decision authorizeConnection(ConnectionFacts c) {
    PortState state = policies.await(c.port());
    Decision d = state.isInvalid()
        ? state.invalidDecision(Decision.Level.CONNECTION, false)
        : state.evaluator().decide(c.client());
    record(c, state, d, null);
    return d;
  }

  /**
   * One HTTP request, against the port's policy at this instant: allowed, 403 / PERMISSION_DENIED,
   * 404 / NOT_FOUND, or 500 / INTERNAL while the policy is invalid.
   *
   * @param authority the Host header or {@code :authority} ({@code ""} if none)
   * @param pathAndQuery the request target, e.g. {@code /export?format=csv}
   */
  public Decision authorizeRequest(ConnectionFacts c, String method, String authority, String pathAndQuery,
      Headers headers) {
    PortState state = policies.await(c.port());
    int q = pathAndQuery.indexOf('?');
    Request request = new Request(method, authority == null ? "" : authority,
        q < 0 ? pathAndQuery : pathAndQuery.substring(0, q), q < 0 ? "" : pathAndQuery.substring(q + 1), headers);
    Decision d = state.isInvalid()
        ? state.invalidDecision(Decision.Level.REQUEST, request.isGrpc())
        : state.evaluator().decide(c.client(), request);
    record(c, state, d, request);
    return d;
  }

  /** Calls {@code listener} with each new state of {@code port}; close the handle to stop. */
  public AutoCloseable onPolicyChange(int port, Consumer<PortState> listener) {
    return policies.subscribe(port, listener);
  }

  /**
   * Re-checks an authorized non-HTTP connection on every policy change of its port; if the change
   * revokes it, counts {@code inbound_tcp_authz_terminate_total}, logs, and runs {@code close} once.
   * Close the returned handle when the connection ends.
   */
  public AutoCloseable guard(ConnectionFacts c, Runnable close) {
    Objects.requireNonNull(close, "close");
    AtomicBoolean done = new AtomicBoolean();
    AutoCloseable[] subscription = new AutoCloseable[1];
    subscription[0] = policies.subscribe(c.port(), state -> {
      boolean admitted = !state.isInvalid() && state.evaluator().decide(c.client()).allowed();
      if (admitted || !done.compareAndSet(false, true)) {
        return;
      }
      metrics.terminated(c, state.policy().server());
      log.info("Connection terminated due to policy change: srv={} client={} tls={} port={}",
          state.policy().server(), c.client().ip(), c.client().tls(), c.port());
      close.run();
    });
    return () -> {
      done.set(true);
      subscription[0].close();
    };
  }

  private void record(ConnectionFacts c, PortState state, Decision d, Request request) {
    metrics.count(c, d);
    switch (d.outcome()) {
      case ALLOWED -> {
        if (d.audit()) {
          log.info("{} allowed: authz.kind=default authz.name=audit srv={} route={} client={} tls={}",
              request == null ? "Connection" : "Request", d.server(), d.route(), c.client().ip(), c.client().tls());
        }
      }
      case UNAUTHORIZED, NO_ROUTE -> {
        log.info("{} denied: srv={} route={} client={} tls={}{}", request == null ? "Connection" : "Request",
            d.server(), d.route(), c.client().ip(), c.client().tls(), request == null ? "" : " request=" + request);
        if (log.isDebugEnabled()) {
          Decision explained = request == null ? state.evaluator().explain(c.client())
              : state.evaluator().explain(c.client(), request);
          log.debug("Denial explained: {}; tried {}", explained.reason(), explained.attempts());
        }
      }
      case INVALID_POLICY -> log.info("{} refused: {} (port {})", request == null ? "Connection" : "Request",
          d.reason(), c.port());
    }
  }
}
