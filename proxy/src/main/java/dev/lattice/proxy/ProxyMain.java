package dev.lattice.proxy;

import dev.lattice.api.LogFilter;
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
import dev.lattice.proxy.env.EnvReader;
import dev.lattice.proxy.env.HostAndPort;
import dev.lattice.proxy.env.InvalidEnvException;
import dev.lattice.proxy.identity.CredentialSource;
import dev.lattice.proxy.identity.IdentityClient;
import dev.lattice.proxy.identity.IdentityConfig;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.listen.FixedOriginalDestination;
import dev.lattice.proxy.log.ProxyLogProvider;
import dev.lattice.proxy.log.ProxyLogs;
import dev.lattice.proxy.metrics.BuildInfo;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.ProcessMetrics;
import dev.lattice.proxy.policy.InboundAuthorizer;
import dev.lattice.proxy.policy.InboundPolicies;
import dev.lattice.proxy.policy.PolicyConfig;
import dev.lattice.proxy.policy.PolicyMetrics;
import dev.lattice.proxy.tls.PemCredentials;
import dev.lattice.proxy.transport.OriginalDestination;
import dev.lattice.proxy.transport.SocketOriginalDestination;
import io.netty.channel.epoll.Epoll;
import io.netty.util.ResourceLeakDetector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the proxy from the environment:
 * {@code java -cp proxy/target/classes:proxy/target/lib/* dev.lattice.proxy.ProxyMain}. Prints where
 * it listens; on SIGTERM/SIGINT (or an enabled admin {@code /shutdown}) it drains (grace period
 * {@code LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD}) and exits. Every bad variable of every feature is
 * reported at once, with exit status 2.
 */
public final class ProxyMain {
  private ProxyMain() {}

  public static void main(String[] args) {
    // Before anything logs: the proxy's own SLF4J provider, whose levels LINKERD2_PROXY_LOG sets and
    // /proxy-log-level changes while running. Chosen here rather than found on the class path, so
    // the CLI and the tests that share these jars keep theirs. -Dslf4j.provider=… overrides it.
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", ProxyLogProvider.class.getName());
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN"); // not a line saying it did as told
      }
    }
    // Netty's allocator emits JFR events when JFR is available, which loads ~270 JFR and class-file
    // classes into every proxy (~1 MB of metaspace) for recordings nobody takes. Set before any Netty
    // class initialises; -Dio.netty.jfr.enabled=true brings them back.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    // Netty tracks one buffer in 128 for leaks by default, each with a captured stack trace: ~2% of
    // the CPU at low request rates. Off unless asked for with -Dio.netty.leakDetection.level=…
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    // Netty hands the workload key to each TLS context through an in-memory PKCS#12 keystore that
    // never leaves this process; the JDK protects a key stored there with 10,000 PBKDF2 rounds to
    // store it and 10,000 to read it back, per context and per certificate rotation. That cost
    // start-up time and a C2 compilation of 8-14 MB at start. The proxy writes no keystore anywhere.
    if (System.getProperty("keystore.pkcs12.keyPbeIterationCount") == null) {
      System.setProperty("keystore.pkcs12.keyPbeIterationCount", "1");
    }
    Map<String, String> env = System.getenv();
    Setup setup;
    try {
      setup = Setup.parse(env);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ProxyLogs.process().filter(setup.log());
    Clock clock = Clock.systemUTC();
    MetricsRegistry metrics = new MetricsRegistry();
    ProcessMetrics.register(metrics);
    BuildInfo.fromManifest().register(metrics);

    // Identity: the identity client when configured (serve only once certified), else fixed files.
    CredentialSource credentials;
    CompletableFuture<?> certified;
    Optional<IdentityClient> identityClient = setup.identity().map(c ->
        IdentityClient.builder(c).metrics(metrics).clock(clock).build());
    if (identityClient.isPresent()) {
      identityClient.get().start();
      credentials = identityClient.get();
      certified = identityClient.get().certified();
    } else {
      credentials = new StaticCredentialSource(PemCredentials.load(setup.proxy().identity().orElseThrow(), clock.instant()));
      certified = CompletableFuture.completedFuture(null);
    }

    Optional<InboundPolicies> policies = setup.policy().map(p -> InboundPolicies.builder(p).metrics(metrics).build().start());
    Discovery discovery = discovery(setup, metrics);
    ProxyRuntime runtime = new ProxyRuntime(credentials, discovery,
        new FixedOriginalDestination(setup.proxy().staticOrigDst(), originalDestination()), metrics, clock,
        policies.map(p -> new InboundAuthorizer(p, new PolicyMetrics(metrics))));

    Proxy proxy = Proxy.start(setup.proxy(), runtime, certified);
    CountDownLatch stopped = new CountDownLatch(1);
    AdminServer admin = AdminServer.builder(setup.admin())
        .metrics(metrics)
        .readiness(Readiness.certified(credentials, clock))
        .env(env)
        .onShutdown(() -> System.exit(0)) // runs the shutdown hook below: a graceful drain
        .build();
    admin.start();

    String identity = identityClient.map(c -> c.identity().value())
        .or(() -> proxy.tls().localIdentity().map(Object::toString)).orElse("<none>");
    System.out.println("lattice-proxy identity " + identity
        + (identityClient.isPresent() ? " (identity client; serving once certified)" : " (certificate files)")
        + " tls " + proxy.tls().provider() + (proxy.usesNativeTransport() ? " epoll" : " nio")
        + " threads " + setup.proxy().eventLoopThreads()
        + " policy " + setup.policy().map(p -> p.hasService() ? "service " + p.serviceAddress().orElseThrow()
            : "default " + p.defaultPolicy()).orElse("off"));
    System.out.println("inbound listening on " + proxy.inboundAddress());
    proxy.outboundAddresses().forEach(a -> System.out.println("outbound listening on " + a));
    System.out.println("admin listening on " + admin.localAddress());
    certified.thenRun(() -> System.out.println("certified as " + identity + "; serving"));

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("draining (grace " + setup.proxy().shutdownGrace() + ")");
      boolean clean = proxy.drain(setup.proxy().shutdownGrace());
      admin.close();
      policies.ifPresent(InboundPolicies::close);
      if (discovery instanceof DestinationDiscovery destinations) {
        destinations.close();
      }
      identityClient.ifPresent(IdentityClient::close);
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
   * Every feature's configuration, parsed from one environment with all problems collected first.
   *
   * @param identity the identity client's configuration; empty when certificates come from files
   * @param policy inbound policy; empty when neither a policy service nor a default policy is set
   * @param destination the destination service ({@code LINKERD2_PROXY_DESTINATION_SVC_ADDR}), with the
   *     context token sent on each lookup ({@value #DESTINATION_CONTEXT})
   */
  record Setup(ProxyConfig proxy, Optional<IdentityConfig> identity, AdminConfig admin, Optional<PolicyConfig> policy,
      Optional<HostAndPort> destination, String destinationContext, LogFilter log) {
    static final String DESTINATION_CONTEXT = "LINKERD2_PROXY_DESTINATION_CONTEXT";

    /** Throws one {@link ConfigException} listing every problem of every feature. */
    static Setup parse(Map<String, String> env) {
      List<String> problems = new ArrayList<>();
      ProxyConfig proxy = null;
      try {
        proxy = ProxyConfig.parse(env);
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
      EnvReader reader = new EnvReader(env);
      boolean files = reader.get(ProxyConfig.CERT_FILE).isPresent() || reader.get(ProxyConfig.KEY_FILE).isPresent();
      Optional<IdentityConfig> identity = Optional.empty();
      if (files) {
        if (reader.get(ProxyEnv.IDENTITY_SVC_ADDR).isPresent()) {
          reader.problem(ProxyEnv.IDENTITY_SVC_ADDR, "set together with " + ProxyConfig.CERT_FILE
              + "; choose the identity service or certificate files, not both");
        }
      } else {
        identity = IdentityConfig.from(reader);
      }
      Optional<AdminConfig> admin = AdminConfig.from(reader);
      Optional<PolicyConfig> policy = Optional.empty();
      if (reader.get(ProxyEnv.POLICY_SVC_ADDR).isPresent() || reader.get(ProxyEnv.INBOUND_DEFAULT_POLICY).isPresent()) {
        policy = PolicyConfig.from(reader);
      }
      Optional<HostAndPort> destination = reader.parse(ProxyEnv.DESTINATION_SVC_ADDR, HostAndPort::parse);
      LogFilter log = reader.parse(ProxyEnv.LOG, LogFilter::parse).orElse(LogFilter.DEFAULT);
      try {
        reader.throwIfInvalid();
      } catch (InvalidEnvException e) {
        e.problems().forEach(p -> problems.add(p.toString()));
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      return new Setup(proxy, identity, admin.orElseThrow(), policy, destination,
          reader.get(DESTINATION_CONTEXT).orElse(""), log);
    }
  }

  /**
   * Where destinations come from: the destination service when {@code LINKERD2_PROXY_DESTINATION_SVC_ADDR}
   * is set, else a static file, else nothing is meshed.
   */
  static Discovery discovery(Setup setup, MetricsRegistry metrics) {
    if (setup.destination().isPresent()) {
      HostAndPort d = setup.destination().get();
      return DestinationDiscovery.connect(d.host(), d.port(), setup.destinationContext(), metrics);
    }
    return setup.proxy().discoveryFile()
        .<Discovery>map(StaticDiscovery::load)
        .orElse(target -> CompletableFuture.completedFuture(Endpoint.unmeshed(target)));
  }

  /**
   * SO_ORIGINAL_DST on the native transport (the only one exposing descriptors); without it, the
   * accepted socket's own address (no interception possible). Connections given a fixed destination
   * ({@value ProxyConfig#STATIC_ORIG_DST}) never get here.
   */
  static OriginalDestination originalDestination() {
    if (Epoll.isAvailable()) {
      return SocketOriginalDestination.create();
    }
    System.err.println("native epoll unavailable: SO_ORIGINAL_DST cannot be read; using each socket's local address");
    return OriginalDestination.localAddress();
  }
}
