package dev.lattice.proxy.testing;

import static org.awaitility.Awaitility.await;

import dev.lattice.control.policy.api.PolicyServer;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.pki.IdentityName;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Network;
import dev.lattice.proxy.Proxy;
import dev.lattice.proxy.ProxyRuntime;
import dev.lattice.proxy.admin.AdminConfig;
import dev.lattice.proxy.admin.AdminServer;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.env.HostAndPort;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.policy.InboundAuthorizer;
import dev.lattice.proxy.policy.InboundPolicies;
import dev.lattice.proxy.policy.PolicyConfig;
import dev.lattice.proxy.policy.PolicyMetrics;
import dev.lattice.proxy.policy.PortState;
import dev.lattice.proxy.transport.OrigDstAddr;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The spec §4.1 fixture on loopback, with real parts throughout: the control plane's policy server
 * over an in-memory store fed with manifests; the workload {@code web} (HTTP app, gRPC
 * {@code shop.Orders}, TCP echo) behind its proxy, which watches its inbound policy and serves its
 * metrics on a real admin server; and two meshed client proxies with the identities of M1
 * ({@code frontend.shop}) and M2 ({@code reports.ops}).
 *
 * <p>Loopback stands in for the pod network: every client leaves from its own 127.x address
 * (proxies with {@code LATTICE_PROXY_SOURCE_IP}, plain clients by binding), because 127.0.0.1 is what
 * the always-present {@code default:localhost} authorization admits. The shop pods' network is
 * 127.1.0.0/16 (M1 127.1.0.20, U1 127.1.0.30) and ops' is 127.2.0.0/16 (M2 127.2.0.5, U2 127.2.0.9).
 */
public final class PolicyMesh implements AutoCloseable {
  public static final String M1_IP = "127.1.0.20";
  public static final String U1_IP = "127.1.0.30";
  public static final String M2_IP = "127.2.0.5";
  public static final String U2_IP = "127.2.0.9";
  public static final IdentityName WEB = new IdentityName("web.shop.serviceaccount.identity.linkerd.cluster.local");
  public static final IdentityName M1 = new IdentityName("frontend.shop.serviceaccount.identity.linkerd.cluster.local");
  public static final IdentityName M2 = new IdentityName("reports.ops.serviceaccount.identity.linkerd.cluster.local");
  public static final String WORKLOAD = "{\"ns\":\"shop\",\"pod\":\"web\"}";

  public final TestPki pki = new TestPki();
  public final InMemoryStore store = new InMemoryStore();
  public final TestApp http = new TestApp();
  public final EchoServer echo;
  public final GrpcOrders grpc;
  public final PolicyServer policyServer;
  public final MetricsRegistry webMetrics = new MetricsRegistry();
  public final InboundPolicies webPolicies;
  public final Proxy web;
  public final AdminServer webAdmin;
  public final Proxy frontend;
  public final Proxy reports;
  /** Where plain clients' connections to the web proxy were "originally" headed. */
  public final AtomicReference<InetSocketAddress> plainTarget = new AtomicReference<>();
  private final Map<Proxy, AtomicReference<InetSocketAddress>> clientTargets = new HashMap<>();
  private final Map<Proxy, MetricsRegistry> clientMetrics = new HashMap<>();
  private final List<ResourceRef> applied = new ArrayList<>();
  private final HttpClient scraper = HttpClient.newHttpClient();
  private final java.nio.file.Path files = java.nio.file.Files.createTempDirectory("policy-mesh");

  public PolicyMesh() throws IOException {
    this(controlPlane -> controlPlane);
  }

  /**
   * The fixture with the web proxy asking {@code policyService.apply(the control plane's address)}
   * for its policy instead, e.g. a {@link ScriptedPolicyService} that answers what the control plane
   * never would.
   */
  public PolicyMesh(java.util.function.UnaryOperator<InetSocketAddress> policyService) throws IOException {
    echo = new EchoServer();
    grpc = new GrpcOrders();
    store.apply(ManifestParser.parse(base()));
    policyServer = PolicyServer.start(PolicyServer.Config.defaults()
        .withListen(new InetSocketAddress("127.0.0.1", 0))
        .withPolicy(dev.lattice.control.policy.PolicyConfig.defaults()
            .withClusterNetworks(List.of(Network.parse("127.0.0.0/8")))), store);
    webPolicies = InboundPolicies.builder(PolicyConfig.staticDefault(DefaultPolicy.ALL_UNAUTHENTICATED,
            List.of(Network.parse("127.0.0.0/8")))
        .withService(hostAndPort(policyService.apply(policyServer.address())), WORKLOAD)
        .withPorts(Set.of(http.port(), grpc.port(), echoPort()), Set.of())
        .withPending(PolicyConfig.Pending.DENY, Duration.ofSeconds(5))
        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))).build().start();
    InboundAuthorizer authorizer = new InboundAuthorizer(webPolicies, new PolicyMetrics(webMetrics));
    web = Proxy.start(config(Optional.empty()), new ProxyRuntime(new StaticCredentialSource(pki.leaf(WEB)),
        t -> CompletableFuture.completedFuture(Endpoint.unmeshed(t)),
        ch -> {
          InetSocketAddress t = plainTarget.get();
          return new OrigDstAddr(t != null ? t : (InetSocketAddress) ch.localAddress());
        }, webMetrics, Clock.systemUTC()).withAuthorizer(authorizer));
    webAdmin = AdminServer.builder(new AdminConfig(new InetSocketAddress("127.0.0.1", 0), false))
        .metrics(webMetrics).readiness(() -> true).build();
    webAdmin.start();
    pki.writeAnchors(files.resolve("anchors.pem"));
    TestPki.write(files, "m1", pki.leaf(M1));
    TestPki.write(files, "m2", pki.leaf(M2));
    frontend = client(M1, M1_IP);
    reports = client(M2, M2_IP);
  }

  /** Namespaces, the pod {@code web} with the apps' real ports, and the spec's resource catalogue. */
  private String base() {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: ops}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
          labels: {app: web}
          annotations: {linkerd.io/inject: enabled}
        spec:
          serviceAccountName: web
          containers:
          - name: app
            image: lattice/test-app
            ports:
            - {name: http, containerPort: %d}
            - {name: grpc, containerPort: %d}
            - {name: echo, containerPort: %d}
        status:
          podIP: 127.0.0.1
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: frontend-only, namespace: shop}
        spec: {identities: ["frontend.shop.serviceaccount.identity.linkerd.cluster.local"]}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: any-meshed, namespace: shop}
        spec: {identities: ["*"]}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: shop-pods, namespace: shop}
        spec: {networks: [{cidr: 127.1.0.0/16}]}
        """.formatted(http.port(), grpc.port(), echoPort());
  }

  public int echoPort() {
    return echo.address().getPort();
  }

  private Proxy client(IdentityName identity, String sourceIp) {
    AtomicReference<InetSocketAddress> target = new AtomicReference<>();
    MetricsRegistry metrics = new MetricsRegistry();
    Proxy p = Proxy.start(config(Optional.of(sourceIp)), new ProxyRuntime(new StaticCredentialSource(pki.leaf(identity)),
        t -> CompletableFuture.completedFuture(new Endpoint(t,
            Optional.of(new Endpoint.Meshed(WEB, web.inboundAddress())), t.port() == echoPort(), Map.of())),
        ch -> new OrigDstAddr(target.get()), metrics, Clock.systemUTC()));
    clientTargets.put(p, target);
    clientMetrics.put(p, metrics);
    return p;
  }

  /** The metrics of a meshed client's proxy (M1's {@link #frontend}, M2's {@link #reports}). */
  public MetricsRegistry clientMetrics(Proxy client) {
    return clientMetrics.get(client);
  }

  private static HostAndPort hostAndPort(InetSocketAddress address) {
    return new HostAndPort(address.getHostString(), address.getPort());
  }

  private static ProxyConfig config(Optional<String> sourceIp) {
    Map<String, String> env = new HashMap<>();
    env.put("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0");
    env.put("LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0");
    env.put("LINKERD2_PROXY_CORES", "1");
    sourceIp.ifPresent(ip -> env.put(ProxyConfig.SOURCE_IP, ip));
    return ProxyConfig.parse(env);
  }

  // ---- policy changes

  /** Applies {@code yaml} to the store; {@link #reset()} deletes it again. */
  public void apply(String yaml) {
    List<Resource> resources = ManifestParser.parse(yaml);
    store.apply(resources);
    resources.forEach(r -> applied.add(r.ref()));
  }

  /** Deletes one object applied with {@link #apply}. */
  public void delete(ResourceRef ref) {
    store.delete(List.of(ref));
    applied.remove(ref);
  }

  /** Deletes everything {@link #apply} added and waits until each app port is back to the default. */
  public void reset() {
    if (!applied.isEmpty()) {
      store.delete(List.copyOf(applied));
      applied.clear();
    }
    for (int port : List.of(http.port(), grpc.port(), echoPort())) {
      awaitPolicy(port, s -> s.policy().server().name().equals("all-unauthenticated")
          && s.policy().routes().size() <= 2);
    }
  }

  /** Waits until the web proxy enforces a policy on {@code port} that satisfies {@code condition}. */
  public void awaitPolicy(int port, Predicate<PortState> condition) {
    await().atMost(Duration.ofSeconds(10)).until(() -> condition.test(webPolicies.current(port)));
  }

  /** Waits until {@code port} is governed by Server {@code server} with exactly {@code authorizations}. */
  public void awaitServer(int port, String server, String... authorizations) {
    awaitPolicy(port, s -> s.policy().server().name().equals(server)
        && s.policy().authorizations().stream().map(a -> a.meta().name()).sorted().toList()
            .equals(java.util.Arrays.stream(authorizations).sorted().toList()));
  }

  // ---- traffic

  /** Points {@code client}'s outbound at {@code target} (as iptables would) and returns its entry. */
  public InetSocketAddress via(Proxy client, int appPort) {
    clientTargets.get(client).set(new InetSocketAddress("127.0.0.1", appPort));
    return client.outboundAddresses().getFirst();
  }

  /** Makes plain connections to the web proxy count as redirected from the app's {@code appPort}. */
  public InetSocketAddress plain(int appPort) {
    plainTarget.set(new InetSocketAddress("127.0.0.1", appPort));
    return web.inboundAddress();
  }

  /** curl through a meshed client's proxy (M1, M2): status line and headers, lower-cased names. */
  public Curl curlMeshed(Proxy client, String method, String path) {
    InetSocketAddress entry = via(client, http.port());
    return Curl.run(List.of("-X", method, "http://127.0.0.1:" + entry.getPort() + path), false);
  }

  /** curl straight to the web proxy from {@code sourceIp}, unmeshed (U1, U2). */
  public Curl curlPlain(String sourceIp, String method, String path, String... extra) {
    return Curl.run(plainArgs(sourceIp, method, path, extra), false);
  }

  /**
   * Like {@link #curlPlain}, for an HTTP/2 request with a body that the proxy answers before the
   * body arrives. The proxy then ends the stream with the complete response and RST_STREAM
   * NO_ERROR (RFC 9113 §8.1: the client may stop sending, and must not discard the response). curl
   * 7.88 fails with exit code 92 when that reset reaches it before it has sent its body, although it
   * has the whole response: a race in the client, which a warmed-up proxy wins now and then. So
   * exit code 92 is accepted here with the response's status line already printed; without it
   * (curl gave up before printing what it had received) the request is made again, up to three
   * times, and {@link Curl#attempts()} says how many the proxy saw.
   */
  public Curl curlPlainAnsweredEarly(String sourceIp, String method, String path, String... extra) {
    for (int attempt = 1; ; attempt++) {
      try {
        return Curl.run(plainArgs(sourceIp, method, path, extra), true).attempts(attempt);
      } catch (Curl.LostAnswer lost) {
        if (attempt == 3) {
          throw new AssertionError("curl lost the answer three times: " + lost.getMessage());
        }
      }
    }
  }

  private List<String> plainArgs(String sourceIp, String method, String path, String... extra) {
    InetSocketAddress entry = plain(http.port());
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(List.of("--interface", sourceIp, "-X", method, "http://127.0.0.1:" + entry.getPort() + path));
    return args;
  }

  /**
   * curl speaking mesh TLS itself, straight to the web proxy, as M1 ({@code "m1"}) or M2 from
   * {@code sourceIp}: a meshed client without a proxy of its own, so the test sees exactly what the
   * inbound answered (a client proxy would strip {@code l5d-proxy-error}).
   */
  public Curl curlMtls(String client, String sourceIp, String method, String path) {
    InetSocketAddress entry = plain(http.port());
    String host = WEB.value() + ":" + entry.getPort();
    return Curl.run(List.of("--http1.1", "--cacert", files.resolve("anchors.pem").toString(),
        "--cert", files.resolve(client + ".crt").toString(), "--key", files.resolve(client + ".key").toString(),
        "--resolve", host + ":127.0.0.1", "--interface", sourceIp, "-X", method, "https://" + host + path), false);
  }

  /** The web proxy's admin {@code /metrics}, fetched over HTTP. */
  public String scrape() {
    try {
      return scraper.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webAdmin.localAddress().getPort()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sum of the samples of {@code name} (scraped from the admin server) whose labels include {@code labels}. */
  public double metric(String name, Map<String, String> labels) {
    double total = 0;
    for (String line : scrape().split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name + "{")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      if (labels.entrySet().stream().allMatch(e -> series.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
        total += Double.parseDouble(line.substring(space + 1));
      }
    }
    return total;
  }

  /** What curl printed: the status code and the response headers (names lower-cased). */
  public record Curl(int status, Map<String, String> headers, String raw, int attempts) {
    /** Exit code 92: curl's "stream error in the HTTP/2 framing layer". */
    private static final int CURL_HTTP2_STREAM = 92;

    /** curl's early-answer race, lost before it printed anything. */
    static final class LostAnswer extends RuntimeException {
      LostAnswer(String message) {
        super(message);
      }
    }

    Curl attempts(int n) {
      return new Curl(status, headers, raw, n);
    }

    static Curl run(List<String> args, boolean answeredEarly) {
      List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-D", "-", "--max-time", "20"));
      cmd.addAll(args);
      Processes.Result r = Processes.run(cmd, null, 60);
      boolean earlyAnswerRace = answeredEarly && r.exit() == CURL_HTTP2_STREAM && r.out().startsWith("HTTP/2 ");
      if (answeredEarly && r.exit() == CURL_HTTP2_STREAM && r.out().isEmpty()) {
        throw new LostAnswer(r.err());
      }
      if (r.exit() != 0 && !earlyAnswerRace) {
        throw new AssertionError("curl failed (" + r.exit() + "): " + r.err());
      }
      Map<String, String> headers = new HashMap<>();
      int status = 0;
      for (String line : r.out().split("\r\n")) {
        if (line.startsWith("HTTP/")) {
          status = Integer.parseInt(line.split(" ")[1]);
          headers.clear(); // only the final response counts
        } else if (line.contains(":")) {
          int colon = line.indexOf(':');
          headers.put(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
        }
      }
      return new Curl(status, headers, r.out(), 1);
    }
  }

  @Override
  public void close() throws Exception {
    frontend.close();
    reports.close();
    web.close();
    webAdmin.close();
    webPolicies.close();
    policyServer.close();
    store.close();
    http.close();
    echo.close();
    grpc.close();
    try (var paths = java.nio.file.Files.walk(files)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
