package dev.lattice.proxy;

import dev.lattice.api.ProxyEnv;
import dev.lattice.proxy.admin.AdminConfig;
import dev.lattice.proxy.admin.AdminServer;
import dev.lattice.proxy.admin.Readiness;
import dev.lattice.proxy.config.ConfigException;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.DestinationDiscovery;
import dev.lattice.proxy.discovery.Discovery;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.discovery.StaticDiscovery;
import dev.lattice.proxy.env.HostAndPort;
import dev.lattice.proxy.env.InvalidEnvException;
import dev.lattice.proxy.identity.CredentialSource;
import dev.lattice.proxy.identity.IdentityClient;
import dev.lattice.proxy.identity.IdentityConfig;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.listen.FixedOriginalDestination;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.tls.PemCredentials;
import dev.lattice.proxy.transport.OriginalDestination;
import dev.lattice.proxy.transport.SocketOriginalDestination;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
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
    MetricsRegistry metrics = new MetricsRegistry();
    CredentialSource credentials;
    OriginalDestination origDst;
    if (config.identity().isPresent()) {
      // Certificates from files: tests and benchmarks, which run without proxy-init's rules.
      credentials = new StaticCredentialSource(PemCredentials.load(config.identity().get(), Instant.now()));
      origDst = originalDestination();
    } else {
      // As in Linkerd: a key made here, certified by the identity service; connections arrive
      // redirected by proxy-init, so their original destination is read with SO_ORIGINAL_DST.
      credentials = identityClient(env, metrics);
      origDst = SocketOriginalDestination.create();
    }
    Discovery discovery = destinationDiscovery(env).orElseGet(() -> config.discoveryFile()
        .<Discovery>map(StaticDiscovery::load)
        .orElse(target -> CompletableFuture.completedFuture(Endpoint.unmeshed(target))));
    ProxyRuntime runtime = new ProxyRuntime(credentials, discovery,
        new FixedOriginalDestination(config.staticOrigDst(), origDst), metrics, Clock.systemUTC());

    Proxy proxy = Proxy.start(config, runtime);
    AdminServer admin = AdminServer.builder(new AdminConfig(config.adminListen(), false)).metrics(metrics)
        .readiness(Readiness.certified(credentials, Clock.systemUTC())).build();
    admin.start();
    System.out.println("lattice-proxy identity " + proxy.tls().localIdentity().map(Object::toString).orElse("<none>")
        + " tls " + proxy.tls().provider() + (proxy.usesNativeTransport() ? " epoll" : " nio")
        + " threads " + config.eventLoopThreads());
    System.out.println("inbound listening on " + proxy.inboundAddress());
    proxy.outboundAddresses().forEach(a -> System.out.println("outbound listening on " + a));
    System.out.println("admin listening on " + admin.localAddress());

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

  /** The identity client from {@code LINKERD2_PROXY_IDENTITY_*}, started; exits 2 naming bad variables. */
  private static IdentityClient identityClient(Map<String, String> env, MetricsRegistry metrics) {
    IdentityConfig identity;
    try {
      identity = IdentityConfig.parse(env);
    } catch (InvalidEnvException e) {
      System.err.println("no identity: set " + ProxyConfig.CERT_FILE + " and " + ProxyConfig.KEY_FILE
          + ", or the identity client's variables: " + e.getMessage());
      System.exit(2);
      throw e;
    }
    IdentityClient client = IdentityClient.builder(identity).metrics(metrics).build();
    client.start();
    return client;
  }

  /** Discovery through the destination service when {@code LINKERD2_PROXY_DESTINATION_SVC_ADDR} is set. */
  private static Optional<Discovery> destinationDiscovery(Map<String, String> env) {
    String address = env.getOrDefault(ProxyEnv.DESTINATION_SVC_ADDR, "");
    if (address.isBlank()) {
      return Optional.empty();
    }
    HostAndPort destination;
    try {
      destination = HostAndPort.parse(address);
    } catch (IllegalArgumentException e) {
      System.err.println(ProxyEnv.DESTINATION_SVC_ADDR + "=" + address + ": " + e.getMessage());
      System.exit(2);
      throw e;
    }
    return Optional.of(DestinationDiscovery.connect(destination.host(), destination.port(),
        env.getOrDefault("LINKERD2_PROXY_DESTINATION_CONTEXT", "")));
  }

  /**
   * The original destination for proxies with static certificates (tests and benchmarks, which run
   * without iptables): the accepted socket's local address, unless {@value ProxyConfig#STATIC_ORIG_DST}
   * maps the port. Proxies with the identity client read SO_ORIGINAL_DST instead.
   */
  static OriginalDestination originalDestination() {
    return OriginalDestination.localAddress();
  }
}
