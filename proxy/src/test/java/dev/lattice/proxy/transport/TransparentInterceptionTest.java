package dev.lattice.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.local.exec.CommandResult;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.exec.Executables;
import dev.lattice.local.exec.ProcessCommandRunner;
import dev.lattice.local.netns.Cidr;
import dev.lattice.local.netns.NetworkNamespace;
import dev.lattice.local.netns.NetworkPlan;
import dev.lattice.local.netns.ScratchNamespaces;
import dev.lattice.local.proxyinit.IpFamily;
import dev.lattice.local.proxyinit.ProxyInitApplier;
import dev.lattice.local.proxyinit.ProxyInitConfig;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The proof that interception works end to end, as in a Linkerd pod (root only; CI runs as root).
 *
 * <pre>
 *  namespace "peer"                    namespace "pod" (proxy-init rules installed)
 *  ┌────────────────────┐  veth /30   ┌──────────────────────────────────────────────┐
 *  │ 10.254.0.2  eth0 ──┼─────────────┼── eth0 10.254.0.1     ext0 10.253.0.1/24     │
 *  │ direct :8080 :4567 │             │ proxy child (uid 2102): report 127.0.0.1:4140 │
 *  │ curl → pod:8080    │             │   [::1]:4140, [::]:4143; direct 4190 4191     │
 *  └────────────────────┘             │   and 127.0.0.1:8080; app = curl as uid 2103  │
 *                                     └───────────────────────────┬──────────────────┘
 *                                      veth ext0 → namespace "nowhere" (no addresses: a sink)
 * </pre>
 *
 * The "proxy" is a child JVM ({@link OrigDstReportServer}) using {@link SocketOriginalDestination};
 * the app is curl. Nothing is addressed outside the two namespaces, which are always removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransparentInterceptionTest {
  private static final String PREFIX = "lt-test";
  private static final int APP_UID = 2103;
  private static final int PROXY_UID = ProxyInitConfig.PROXY_UID;
  private static final Duration CHILD_READY = Duration.ofSeconds(60);

  private final CommandRunner runner = ProcessCommandRunner.create();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private NetworkPlan plan;
  private NetworkNamespace pod;
  private NetworkNamespace peer;
  private ProxyInitApplier proxyInit;
  private String curl;
  private String setpriv;

  @BeforeAll
  void buildPodAndPeer() throws Exception {
    long uid = new com.sun.security.auth.module.UnixSystem().getUid();
    assumeTrue(uid == 0, () -> "skipped: needs root for network namespaces and iptables (running as uid " + uid + ")");
    List<String> missing = List.of("ip", "iptables", "ip6tables", "setpriv", "curl").stream()
        .filter(t -> Executables.find(t).isEmpty()).toList();
    assumeTrue(missing.isEmpty(), () -> "skipped: needs " + missing + " (apt-get install iproute2 iptables util-linux curl)");
    assumeTrue(Epoll.isAvailable(), () -> "skipped: Netty native epoll unavailable: " + Epoll.unavailabilityCause());
    curl = Executables.find("curl").orElseThrow().toString();
    setpriv = Executables.find("setpriv").orElseThrow().toString();

    ScratchNamespaces.reapStale(runner, PREFIX);
    plan = NetworkPlan.using(runner);
    toClose.add(plan);
    pod = plan.namespace(ScratchNamespaces.unique(PREFIX));
    peer = plan.namespace(ScratchNamespaces.unique(PREFIX));
    plan.vethPair(pod, "eth0", peer, "eth0");
    plan.address(pod, "eth0", Cidr.parse("10.254.0.1/30"));
    plan.address(peer, "eth0", Cidr.parse("10.254.0.2/30"));
    plan.address(pod, "eth0", Cidr.parse("fd00:254::1/64"));
    plan.address(peer, "eth0", Cidr.parse("fd00:254::2/64"));
    // A link that leads nowhere: 10.253.0.2 is a routable, non-local address whose link ends in an
    // empty namespace, so only the redirect can answer a connection to it. (A dummy link would do,
    // but not every kernel has the dummy module.)
    NetworkNamespace nowhere = plan.namespace(ScratchNamespaces.unique(PREFIX));
    plan.vethPair(pod, "ext0", nowhere, "sink0");
    plan.address(pod, "ext0", Cidr.parse("10.253.0.1/24"));
    plan.address(pod, "ext0", Cidr.parse("fd00:253::1/64"));

    proxyInit = ProxyInitApplier.inNamespace(runner, pod);
    proxyInit.install(ProxyInitConfig.defaults());

    ReadableClasspath classpath = ReadableClasspath.copyOfCurrent();
    toClose.add(classpath);
    // Closed in reverse: children stop before the classpath and the namespaces go.
    toClose.add(NamespaceChild.start(javaIn(pod, PROXY_UID, classpath,
        "report:outbound:127.0.0.1:4140", "report:outbound6:[::1]:4140", "report:inbound:[::]:4143",
        "direct:tap:[::]:4190", "direct:admin:[::]:4191", "direct:app-local:127.0.0.1:8080"), CHILD_READY));
    toClose.add(NamespaceChild.start(javaIn(peer, null, classpath,
        "direct:peer:10.254.0.2:8080", "direct:peer-skip:10.254.0.2:4567", "direct:peer6:[fd00:254::2]:8080"),
        CHILD_READY));
  }

  @AfterAll
  void tearDown() throws Exception {
    Exception first = null;
    for (AutoCloseable c : toClose.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Test
  void theRulesInThePodAreProxyInits() {
    assertThat(proxyInit.natRules(IpFamily.IPV4))
        .contains("-A OUTPUT -m comment --comment \"proxy-init/install-proxy-init-output\" -j PROXY_INIT_OUTPUT")
        .contains("-A PROXY_INIT_OUTPUT -p tcp -m comment --comment \"proxy-init/redirect-all-outgoing-to-proxy-port\""
            + " -j REDIRECT --to-ports 4140");
  }

  @Test
  void anAppConnectionToAnyAddressReachesTheOutboundListenerWithItsOriginalDestination() {
    // The client keeps the source address picked for the original route (ext0's), not 127.0.0.1:
    // the kernel chose it before the OUTPUT hook rewrote the destination.
    assertThat(curl(pod, APP_UID, "http://10.253.0.2:8080/"))
        .isEqualTo("listener=outbound orig-dst-ip=10.253.0.2 orig-dst-port=8080 client=10.253.0.1");
    assertThat(curl(pod, APP_UID, "http://10.254.0.2:8080/"))
        .startsWith("listener=outbound orig-dst-ip=10.254.0.2 orig-dst-port=8080 ");
    // root is no more exempt than any other app user.
    assertThat(curl(pod, null, "http://10.253.0.2:9999/"))
        .startsWith("listener=outbound orig-dst-ip=10.253.0.2 orig-dst-port=9999 ");
  }

  @Test
  void ipv6AppConnectionsAreLookedUpWithTheIpv6Option() {
    assertThat(curl(pod, APP_UID, "http://[fd00:253::2]:8080/"))
        .isEqualTo("listener=outbound6 orig-dst-ip=" + v6("fd00:253::2") + " orig-dst-port=8080 client="
            + v6("fd00:253::1"));
  }

  @Test
  void loopbackTrafficIsNotRedirected() {
    assertThat(curl(pod, APP_UID, "http://127.0.0.1:8080/")).isEqualTo("direct=app-local local=127.0.0.1:8080");
  }

  @Test
  void theProxyUsersOwnConnectionsAreNotRedirected() {
    assertThat(curl(pod, PROXY_UID, "http://10.254.0.2:8080/")).isEqualTo("direct=peer local=10.254.0.2:8080");
    assertThat(curl(pod, PROXY_UID, "http://[fd00:254::2]:8080/"))
        .isEqualTo("direct=peer6 local=" + v6("fd00:254::2") + ":8080");
  }

  @Test
  void ignoredOutboundPortsAreNotRedirected() {
    assertThat(curl(pod, APP_UID, "http://10.254.0.2:4567/")).isEqualTo("direct=peer-skip local=10.254.0.2:4567");
  }

  @Test
  void inboundConnectionsReachTheInboundListenerWithTheirOriginalPort() {
    // The inbound listener is dual-stack ([::]:4143): an IPv4 client is IPv4-mapped and still uses SOL_IP.
    assertThat(curl(peer, null, "http://10.254.0.1:8080/"))
        .matches("listener=inbound orig-dst-ip=10\\.254\\.0\\.1 orig-dst-port=8080 client=(::ffff:)?10\\.254\\.0\\.2");
    assertThat(curl(peer, null, "http://10.254.0.1:5432/"))
        .startsWith("listener=inbound orig-dst-ip=10.254.0.1 orig-dst-port=5432 ");
    assertThat(curl(peer, null, "http://[fd00:254::1]:8080/"))
        .isEqualTo("listener=inbound orig-dst-ip=" + v6("fd00:254::1") + " orig-dst-port=8080 client=" + v6("fd00:254::2"));
  }

  @Test
  void theProxysTapAndAdminPortsAreNotRedirectedInbound() {
    assertThat(curl(peer, null, "http://10.254.0.1:4190/")).matches("direct=tap local=(::ffff:)?10\\.254\\.0\\.1:4190");
    assertThat(curl(peer, null, "http://10.254.0.1:4191/")).matches("direct=admin local=(::ffff:)?10\\.254\\.0\\.1:4191");
  }

  /** curl inside {@code ns}, as {@code uid} (null: root); returns the one-line body. */
  private String curl(NetworkNamespace ns, Integer uid, String url) {
    List<String> argv = new ArrayList<>(asUser(uid));
    argv.addAll(List.of(curl, "-sS", "--noproxy", "*", "--max-time", "10", "-g", url));
    CommandResult result = runner.run(ns.exec(argv));
    assertThat(result.exitCode()).as("curl %s in %s as uid %s: %s", url, ns, uid, result.stderr()).isZero();
    return result.stdout().strip();
  }

  private List<String> javaIn(NetworkNamespace ns, Integer uid, ReadableClasspath classpath, String... specs) {
    List<String> argv = new ArrayList<>(asUser(uid));
    argv.add(ProcessHandle.current().info().command().orElseThrow());
    // Fast, small child JVMs: the machine has two cores shared with the build.
    argv.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xmx64m",
        "--enable-native-access=ALL-UNNAMED", "-cp", classpath.classpath(), OrigDstReportServer.class.getName()));
    argv.addAll(List.of(specs));
    return ns.exec(argv);
  }

  private List<String> asUser(Integer uid) {
    return uid == null ? List.of()
        : List.of(setpriv, "--reuid=" + uid, "--regid=" + uid, "--clear-groups");
  }

  private static String v6(String literal) {
    return InetAddress.ofLiteral(literal).getHostAddress();
  }
}
