package dev.lattice.proxy;

import dev.lattice.proxy.config.ConfigException;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Discovery;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.discovery.StaticDiscovery;
import dev.lattice.proxy.identity.CredentialSource;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.listen.FixedOriginalDestination;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.tls.PemCredentials;
import dev.lattice.proxy.transport.OriginalDestination;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the proxy from the environment:
 * {@code java -cp proxy/target/classes:proxy/target/lib/* dev.lattice.proxy.ProxyMain}. Prints where
 * it listens; on SIGTERM/SIGINT it drains (grace period {@code LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD})
 * and exits.
 */
public final class ProxyMain {
  private ProxyMain() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    ProxyConfig config;
    try {
      config = ProxyConfig.parse(env);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (config.identity().isEmpty()) {
      System.err.println("no identity: set " + ProxyConfig.CERT_FILE + ", " + ProxyConfig.KEY_FILE + " and "
          + dev.lattice.api.ProxyEnv.IDENTITY_TRUST_ANCHORS + " (the identity client is not wired in yet)");
      System.exit(2);
      return;
    }
    CredentialSource credentials = new StaticCredentialSource(PemCredentials.load(config.identity().get(), Instant.now()));
    Discovery discovery = config.discoveryFile()
        .<Discovery>map(StaticDiscovery::load)
        .orElse(target -> CompletableFuture.completedFuture(Endpoint.unmeshed(target)));
    MetricsRegistry metrics = new MetricsRegistry();
    ProxyRuntime runtime = new ProxyRuntime(credentials, discovery,
        new FixedOriginalDestination(config.staticOrigDst(), originalDestination()), metrics, Clock.systemUTC());

    Proxy proxy = Proxy.start(config, runtime);
    FallbackAdmin admin = FallbackAdmin.start(config.adminListen(), metrics);
    System.out.println("lattice-proxy identity " + proxy.tls().localIdentity().map(Object::toString).orElse("<none>")
        + " tls " + proxy.tls().provider() + (proxy.usesNativeTransport() ? " epoll" : " nio")
        + " threads " + config.eventLoopThreads());
    System.out.println("inbound listening on " + proxy.inboundAddress());
    proxy.outboundAddresses().forEach(a -> System.out.println("outbound listening on " + a));
    System.out.println("admin listening on " + admin.address());

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("draining (grace " + config.shutdownGrace() + ")");
      boolean clean = proxy.drain(config.shutdownGrace());
      admin.close();
      System.out.println(clean ? "drained" : "grace period over: closed remaining connections");
      stopped.countDown();
    }, "lattice-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Where production reads SO_ORIGINAL_DST. Until that reader is merged, connections that were not
   * given a fixed destination ({@value ProxyConfig#STATIC_ORIG_DST}) use the accepted socket's
   * local address. TODO: return the FFM getsockopt implementation from package transport.
   */
  static OriginalDestination originalDestination() {
    return OriginalDestination.localAddress();
  }
}
