package dev.lattice.proxy.config;

import dev.lattice.api.Ports;
import dev.lattice.api.ProxyEnv;
import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.listen.ConnectionLimit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the data plane reads from its environment, parsed once at startup. Variable names keep
 * Linkerd's where Linkerd has one; Lattice-only knobs start with {@code LATTICE_PROXY_}.
 */
public record ProxyConfig(
    InetSocketAddress inboundListen,
    List<InetSocketAddress> outboundListen,
    InetSocketAddress adminListen,
    Duration inboundDetectTimeout,
    Duration outboundDetectTimeout,
    Duration inboundConnectTimeout,
    Duration outboundConnectTimeout,
    Duration outboundIdleTimeout,
    Duration inboundHttp1PoolIdleTimeout,
    Duration outboundHttp1PoolIdleTimeout,
    Set<Integer> opaquePorts,
    Duration shutdownGrace,
    int eventLoopThreads,
    Optional<StaticIdentity> identity,
    Optional<Path> discoveryFile,
    Map<Integer, InetSocketAddress> staticOrigDst,
    Optional<InetAddress> sourceIp,
    int maxConnections,
    int inboundMaxInFlight,
    int outboundMaxInFlight,
    Duration metricsRetainIdle,
    Set<InetAddress> inboundIps,
    boolean outboundInformationalHeaders) {

  /** Linkerd's chart default opaque ports: SMTP, MySQL, Galera SST, PostgreSQL, Redis, ES transport, memcached. */
  public static final Set<Integer> DEFAULT_OPAQUE_PORTS = Set.of(25, 587, 3306, 4444, 5432, 6379, 9300, 11211);

  // Linkerd variables not (yet) in dev.lattice.api.ProxyEnv.
  public static final String OUTBOUND_LISTEN_ADDRS = "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS";
  public static final String INBOUND_CONNECT_TIMEOUT = "LINKERD2_PROXY_INBOUND_CONNECT_TIMEOUT";
  public static final String OUTBOUND_CONNECT_TIMEOUT = "LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT";
  /** How long an outbound destination's upstreams outlive the last client connection that used them. */
  public static final String OUTBOUND_DISCOVERY_IDLE_TIMEOUT = "LINKERD2_PROXY_OUTBOUND_DISCOVERY_IDLE_TIMEOUT";
  /** How long an idle HTTP/1 connection to the application is kept for reuse (Linkerd: 3 s). */
  public static final String INBOUND_HTTP1_POOL_IDLE_TIMEOUT = "LINKERD2_PROXY_INBOUND_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT";
  /** How long an idle HTTP/1 connection to an unmeshed destination is kept for reuse (Linkerd: 3 s). */
  public static final String OUTBOUND_HTTP1_POOL_IDLE_TIMEOUT = "LINKERD2_PROXY_OUTBOUND_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT";
  public static final String CORES = "LINKERD2_PROXY_CORES";
  /** Requests relayed at once by each side; more are shed with 503 ({@code http.InFlightLimit}). */
  public static final String INBOUND_MAX_IN_FLIGHT = "LINKERD2_PROXY_INBOUND_MAX_IN_FLIGHT";
  public static final String OUTBOUND_MAX_IN_FLIGHT = "LINKERD2_PROXY_OUTBOUND_MAX_IN_FLIGHT";
  /** How long the TCP and HTTP series of a label set outlive the last connection counted under it. */
  public static final String METRICS_RETAIN_IDLE = "LINKERD2_PROXY_METRICS_RETAIN_IDLE";
  /** {@code true}: the outbound does not tell its application why it failed ({@code l5d-proxy-error}). */
  public static final String OUTBOUND_DISABLE_INFORMATIONAL_HEADERS = "LINKERD2_PROXY_OUTBOUND_DISABLE_INFORMATIONAL_HEADERS";

  // Lattice-only variables.
  /** PEM certificate chain (leaf first) of this proxy, while no identity client runs. */
  public static final String CERT_FILE = "LATTICE_PROXY_CERT_FILE";
  /** PEM (PKCS#8 or SEC1) private key matching {@link #CERT_FILE}. */
  public static final String KEY_FILE = "LATTICE_PROXY_KEY_FILE";
  /** Static discovery file; see docs/proxy.md for its format. */
  public static final String DISCOVERY_FILE = "LATTICE_PROXY_DISCOVERY_FILE";
  /**
   * {@code listenPort=ip:port,...}: connections accepted on that local port are treated as if
   * iptables had redirected them from {@code ip:port}. For benchmarks and tests without iptables.
   */
  public static final String STATIC_ORIG_DST = "LATTICE_PROXY_STATIC_ORIG_DST";
  /**
   * An IP literal every connection the proxy makes leaves from. Local mode: the workload's loopback
   * alias, so that peers' policies see the workload's address rather than 127.0.0.1.
   */
  public static final String SOURCE_IP = "LATTICE_PROXY_SOURCE_IP";
  /**
   * Client connections (inbound and outbound together) beyond which the proxy stops accepting
   * until some close; by default what the heap can carry (see {@link ConnectionLimit}).
   */
  public static final String MAX_CONNECTIONS = "LATTICE_PROXY_MAX_CONNECTIONS";

  public ProxyConfig {
    outboundListen = List.copyOf(outboundListen);
    opaquePorts = Set.copyOf(opaquePorts);
    staticOrigDst = Map.copyOf(staticOrigDst);
    inboundIps = Set.copyOf(inboundIps);
  }

  /** Whether an inbound connection for {@code address} is accepted ({@code LINKERD2_PROXY_INBOUND_IPS}). */
  public boolean inboundAllowed(InetAddress address) {
    return inboundIps.isEmpty() || inboundIps.contains(address);
  }

  /** Certificates from files: the stand-in until the identity client issues them. */
  public record StaticIdentity(Path certFile, Path keyFile, String trustAnchorsPem, Optional<IdentityName> localName) {}

  /** Parses {@code env}, reporting every bad variable at once in a {@link ConfigException}. */
  public static ProxyConfig parse(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    InetSocketAddress inbound = r.socketAddress(ProxyEnv.INBOUND_LISTEN_ADDR, new InetSocketAddress("0.0.0.0", Ports.PROXY_INBOUND));
    List<InetSocketAddress> outboundDefault = List.of(
        r.socketAddress(ProxyEnv.OUTBOUND_LISTEN_ADDR, new InetSocketAddress("127.0.0.1", Ports.PROXY_OUTBOUND)));
    List<InetSocketAddress> outbound = r.socketAddresses(OUTBOUND_LISTEN_ADDRS, outboundDefault);
    if (outbound.size() > 2) {
      r.problem(OUTBOUND_LISTEN_ADDRS, env.get(OUTBOUND_LISTEN_ADDRS), "expected: at most 2 addresses");
    }
    InetSocketAddress admin = r.socketAddress(ProxyEnv.ADMIN_LISTEN_ADDR, new InetSocketAddress("127.0.0.1", Ports.PROXY_ADMIN));
    Duration inDetect = r.duration(ProxyEnv.INBOUND_DETECT_TIMEOUT, Duration.ofSeconds(10));
    Duration outDetect = r.duration(ProxyEnv.OUTBOUND_DETECT_TIMEOUT, Duration.ofSeconds(10));
    Duration inConnect = r.duration(INBOUND_CONNECT_TIMEOUT, Duration.ofMillis(300));
    Duration outConnect = r.duration(OUTBOUND_CONNECT_TIMEOUT, Duration.ofSeconds(1));
    Duration outIdle = r.duration(OUTBOUND_DISCOVERY_IDLE_TIMEOUT, Duration.ofSeconds(5));
    Duration inPoolIdle = r.duration(INBOUND_HTTP1_POOL_IDLE_TIMEOUT, Duration.ofSeconds(3));
    Duration outPoolIdle = r.duration(OUTBOUND_HTTP1_POOL_IDLE_TIMEOUT, Duration.ofSeconds(3));
    Set<Integer> opaque = r.ports(ProxyEnv.INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION, DEFAULT_OPAQUE_PORTS);
    Duration grace = r.duration(ProxyEnv.SHUTDOWN_GRACE_PERIOD, Duration.ofMinutes(2));
    int threads = r.integer(CORES, Math.min(2, Runtime.getRuntime().availableProcessors()), 1, 64);
    Optional<StaticIdentity> identity = staticIdentity(r);
    Optional<Path> discovery = r.readableFile(DISCOVERY_FILE);
    Map<Integer, InetSocketAddress> origDst = staticOrigDst(r);
    Optional<InetAddress> source = r.string(SOURCE_IP).flatMap(ip -> ipLiteral(r, SOURCE_IP, ip, "127.1.0.20"));
    Set<InetAddress> inboundIps = new java.util.LinkedHashSet<>();
    r.string(ProxyEnv.INBOUND_IPS).ifPresent(list -> {
      for (String ip : list.split(",")) {
        if (!ip.isBlank()) {
          ipLiteral(r, ProxyEnv.INBOUND_IPS, ip.strip(), "10.42.0.7,fd00::7").ifPresent(inboundIps::add);
        }
      }
    });
    // One heap budget for both: every accepted connection may have a request in flight.
    int heapBudget = ConnectionLimit.defaultFor(Runtime.getRuntime().maxMemory());
    int maxConnections = r.integer(MAX_CONNECTIONS, heapBudget, 1, 1_000_000);
    int inMaxInFlight = r.integer(INBOUND_MAX_IN_FLIGHT, heapBudget, 1, 1_000_000);
    int outMaxInFlight = r.integer(OUTBOUND_MAX_IN_FLIGHT, heapBudget, 1, 1_000_000);
    Duration retainIdle = r.duration(METRICS_RETAIN_IDLE, Duration.ofMinutes(10));
    boolean informational = !r.bool(OUTBOUND_DISABLE_INFORMATIONAL_HEADERS, false);
    r.finish();
    return new ProxyConfig(inbound, outbound, admin, inDetect, outDetect, inConnect, outConnect, outIdle,
        inPoolIdle, outPoolIdle, opaque, grace,
        threads, identity, discovery, origDst, source, maxConnections, inMaxInFlight, outMaxInFlight,
        retainIdle, inboundIps, informational);
  }

  private static Optional<InetAddress> ipLiteral(EnvReader r, String variable, String ip, String example) {
    String hostPort = ip.contains(":") ? "[" + ip + "]:0" : ip + ":0";
    InetSocketAddress parsed = new EnvReader(Map.of(variable, hostPort)).socketAddress(variable, null);
    if (parsed == null) {
      r.problem(variable, ip, "expected: an IP address literal, e.g. " + example);
      return Optional.empty();
    }
    return Optional.of(parsed.getAddress());
  }

  private static Optional<StaticIdentity> staticIdentity(EnvReader r) {
    Optional<String> certRaw = r.string(CERT_FILE);
    Optional<String> keyRaw = r.string(KEY_FILE);
    Optional<String> anchorsRaw = r.string(ProxyEnv.IDENTITY_TRUST_ANCHORS);
    if (certRaw.isEmpty() && keyRaw.isEmpty()) {
      return Optional.empty();
    }
    Optional<Path> cert = r.readableFile(CERT_FILE);
    Optional<Path> key = r.readableFile(KEY_FILE);
    if (certRaw.isEmpty() || keyRaw.isEmpty()) {
      r.problem(CERT_FILE + " and " + KEY_FILE + " must be set together");
    }
    String anchorsPem = null;
    if (anchorsRaw.isEmpty()) {
      r.problem(ProxyEnv.IDENTITY_TRUST_ANCHORS + " must be set (PEM text or a file path) when " + CERT_FILE + " is");
    } else if (anchorsRaw.get().startsWith("-----BEGIN")) {
      anchorsPem = anchorsRaw.get();
    } else {
      Optional<Path> file = r.readableFile(ProxyEnv.IDENTITY_TRUST_ANCHORS);
      if (file.isPresent()) {
        try {
          anchorsPem = Files.readString(file.get());
        } catch (java.io.IOException e) {
          r.problem(ProxyEnv.IDENTITY_TRUST_ANCHORS, anchorsRaw.get(), "unreadable: " + e.getMessage());
        }
      }
    }
    Optional<IdentityName> name = Optional.empty();
    Optional<String> nameRaw = r.string(ProxyEnv.IDENTITY_LOCAL_NAME);
    if (nameRaw.isPresent()) {
      String problem = IdentityName.problemWith(nameRaw.get());
      if (problem != null) {
        r.problem(ProxyEnv.IDENTITY_LOCAL_NAME, nameRaw.get(), problem);
      } else {
        name = Optional.of(new IdentityName(nameRaw.get()));
      }
    }
    if (cert.isEmpty() || key.isEmpty() || anchorsPem == null) {
      return Optional.empty();
    }
    return Optional.of(new StaticIdentity(cert.get(), key.get(), anchorsPem, name));
  }

  private static Map<Integer, InetSocketAddress> staticOrigDst(EnvReader r) {
    Optional<String> raw = r.string(STATIC_ORIG_DST);
    Map<Integer, InetSocketAddress> out = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return out;
    }
    for (String entry : raw.get().split(",")) {
      String[] kv = entry.trim().split("=", 2);
      if (kv.length != 2) {
        r.problem(STATIC_ORIG_DST, entry, "expected: listenPort=ip:port");
        continue;
      }
      int port;
      try {
        port = Integer.parseInt(kv[0].trim());
      } catch (NumberFormatException e) {
        r.problem(STATIC_ORIG_DST, entry, "expected: listenPort=ip:port with a numeric listenPort");
        continue;
      }
      EnvReader one = new EnvReader(Map.of(STATIC_ORIG_DST, kv[1].trim()));
      InetSocketAddress target = one.socketAddress(STATIC_ORIG_DST, null);
      if (target == null) {
        r.problem(STATIC_ORIG_DST, entry, "expected: listenPort=ip:port with an IP literal");
        continue;
      }
      out.put(port, target);
    }
    return out;
  }
}
