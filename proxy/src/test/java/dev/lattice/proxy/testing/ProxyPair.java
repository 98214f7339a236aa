package dev.lattice.proxy.testing;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.Proxy;
import dev.lattice.proxy.ProxyRuntime;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.transport.OrigDstAddr;
import dev.lattice.proxy.transport.OriginalDestination;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two real proxies on loopback: A (client side) accepts on its outbound listener as if the app's
 * connections were redirected to {@link #target}; B (server side) accepts mTLS on its inbound
 * listener. Discovery (editable per test) says which targets are meshed behind B.
 */
public final class ProxyPair implements AutoCloseable {
  public final TestPki pki;
  public final MetricsRegistry metricsA = new MetricsRegistry();
  public final MetricsRegistry metricsB = new MetricsRegistry();
  public final Map<OrigDstAddr, Endpoint> discovery = new ConcurrentHashMap<>();
  /** Where A's outbound connections were "originally" headed. */
  public final AtomicReference<InetSocketAddress> target = new AtomicReference<>();
  public final Proxy a;
  public final Proxy b;

  public ProxyPair(TestPki pki, Map<String, String> extraEnv) {
    this.pki = pki;
    b = Proxy.start(config(extraEnv), new ProxyRuntime(new StaticCredentialSource(pki.leaf(TestPki.SERVER)),
        t -> CompletableFuture.completedFuture(Endpoint.unmeshed(t)),
        OriginalDestination.localAddress(), metricsB, Clock.systemUTC()));
    OriginalDestination redirected = ch -> new OrigDstAddr(target.get());
    a = Proxy.start(config(extraEnv), new ProxyRuntime(new StaticCredentialSource(pki.leaf(TestPki.CLIENT)),
        t -> CompletableFuture.completedFuture(discovery.getOrDefault(t, Endpoint.unmeshed(t))),
        redirected, metricsA, Clock.systemUTC()));
  }

  public ProxyPair(TestPki pki) {
    this(pki, Map.of());
  }

  private static ProxyConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0");
    env.put("LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0");
    env.put("LINKERD2_PROXY_CORES", "2");
    env.putAll(extra);
    return ProxyConfig.parse(env);
  }

  /** Declares {@code app} meshed behind B (B's inbound, B's identity). */
  /**
   * A pair for one application: the client's connections all go to {@code app}, which discovery
   * names as meshed behind B (HTTP, not opaque).
   */
  public static ProxyPair to(TestPki pki, InetSocketAddress app) {
    ProxyPair pair = new ProxyPair(pki);
    pair.meshed(app, false);
    pair.target.set(app);
    return pair;
  }

  public void meshed(InetSocketAddress app, boolean opaque) {
    meshedBehind(app, b.inboundAddress(), TestPki.SERVER, opaque);
  }

  public void meshedBehind(InetSocketAddress app, InetSocketAddress proxy, IdentityName identity, boolean opaque) {
    OrigDstAddr t = new OrigDstAddr(app);
    discovery.put(t, new Endpoint(t, Optional.of(new Endpoint.Meshed(identity, proxy)), opaque, Map.of("service", "app")));
  }

  /** Where the "app" connects: A's outbound listener. */
  public InetSocketAddress entry() {
    return a.outboundAddresses().getFirst();
  }

  public String entryUrl(String path) {
    return "http://127.0.0.1:" + entry().getPort() + path;
  }

  @Override
  public void close() {
    a.close();
    b.close();
  }
}
