package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link ProxyMain} processes with sidecar-sized heaps (-Xmx64m, so direct memory is capped at
 * 64 MB too): 100 MB bodies must stream through without being held, and SIGTERM must drain.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyMainTest {
  static final long HUNDRED_MB = 100L * 1024 * 1024;

  @TempDir
  static Path dir;
  static TestApp app;
  static Proc b;
  static Proc a;
  static int entryPort;
  static int adminPort;

  @BeforeAll
  static void start() throws Exception {
    app = new TestApp();
    adminPort = TestApp.freePort();
    Pair pair = Pair.start(dir, app, Map.of(
        "LINKERD2_PROXY_ADMIN_LISTEN_ADDR", "127.0.0.1:" + adminPort,
        "LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD", "30s"));
    a = pair.a();
    b = pair.b();
    entryPort = pair.entryPort();
  }

  @AfterAll
  static void stop() {
    Pair.stop(a, b);
    app.close();
  }

  @Test
  void hundredMegabyteUploadAndDownloadStreamThroughSmallHeaps() throws Exception {
    Path file = dir.resolve("upload.bin");
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] chunk = new byte[1 << 20];
      java.util.Random random = new java.util.Random(1);
      for (int i = 0; i < 100; i++) {
        random.nextBytes(chunk);
        md.update(chunk);
        out.write(chunk);
      }
    }
    Processes.Result up = Processes.run(List.of("curl", "-sS", "--data-binary", "@" + file, url("/digest")), null, 300);
    assertThat(up.out()).as(up.err()).isEqualTo(HexFormat.of().formatHex(md.digest()) + " " + HUNDRED_MB);

    Processes.Result down = Processes.run(List.of("bash", "-c", "curl -sS " + url("/bytes?n=" + HUNDRED_MB) + " | sha256sum"), null, 300);
    assertThat(down.out()).startsWith(TestApp.patternDigest(HUNDRED_MB));

    Processes.Result metrics = Processes.run("curl", "-sS", "http://127.0.0.1:" + adminPort + "/metrics");
    assertThat(metrics.out()).contains("request_total{direction=\"outbound\"");
    assertThat(a.lines).noneMatch(l -> l.contains("OutOfMemoryError") || l.contains("LEAK"));
    assertThat(b.lines).noneMatch(l -> l.contains("OutOfMemoryError") || l.contains("LEAK"));
  }

  @Test
  @Order(1)
  void theLogFilterChangesWhileTheProxyRuns() throws Exception {
    String admin = "http://127.0.0.1:" + adminPort + "/proxy-log-level";
    assertThat(Processes.run("curl", "-sS", admin).out()).isEqualTo("info");

    Processes.Result set = Processes.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
        "--data-binary", "info,dev.lattice.proxy.admin=debug", admin);
    assertThat(set.out()).isEqualTo("204");
    assertThat(Processes.run("curl", "-sS", admin).out()).isEqualTo("info,dev.lattice.proxy.admin=debug");

    // A client that resets its admin connection is logged at debug only: now it shows.
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", adminPort)) {
      s.getOutputStream().write("GET /met".getBytes(StandardCharsets.US_ASCII));
      s.setSoLinger(true, 0);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(a.lines).anyMatch(l -> l.contains("DEBUG dev.lattice.proxy.admin.AdminHandler - admin connection from")));
  }

  @Test
  @Order(Integer.MAX_VALUE) // it stops proxy A
  void sigtermDrainsTheInFlightResponseThenExits() throws Exception {
    long n = 30L * 1024 * 1024;
    // ~3 s at 10 MB/s: SIGTERM lands mid-response, which must still complete.
    CompletableFuture<Processes.Result> download = CompletableFuture.supplyAsync(() -> Processes.run(
        List.of("bash", "-c", "curl -sS --limit-rate 10M " + url("/bytes?n=" + n) + " | sha256sum"), null, 120));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
        Processes.run("curl", "-sS", "http://127.0.0.1:" + adminPort + "/metrics").out()
            .contains("request_total{direction=\"outbound\""));
    Processes.run("kill", "-TERM", Long.toString(a.process.pid()));

    assertThat(a.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(download.get(60, TimeUnit.SECONDS).out()).startsWith(TestApp.patternDigest(n));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(a.lines).as("exit " + a.process.exitValue()).contains("drained"));
    // New connections are refused once draining started.
    assertThat(Processes.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", url("/hello")).out()).isEqualTo("000");
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + entryPort + path;
  }

  /**
   * Proxy A (outbound entry on {@code entryPort}, static discovery naming {@code app} as meshed behind
   * B) and proxy B (mTLS inbound), as child JVMs with static credentials written into {@code dir}.
   * {@code extraA} adds to or overrides A's environment.
   */
  record Pair(Proc a, Proc b, int entryPort) {
    /**
     * The listen ports are picked free and then bound by the children, so another process's
     * outgoing connection can take one in between (it happened once in CI beside a benchmark):
     * then the pair is started again on new ports, up to three times.
     */
    static Pair start(Path dir, TestApp app, Map<String, String> extraA) throws Exception {
      for (int attempt = 1; ; attempt++) {
        try {
          return startOnce(dir, app, extraA);
        } catch (AssertionError e) {
          if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
            throw e;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
            throw e;
          }
        }
      }
    }

    private static Pair startOnce(Path dir, TestApp app, Map<String, String> extraA) throws Exception {
      TestPki pki = new TestPki();
      TestPki.write(dir, "a", pki.leaf(TestPki.CLIENT));
      TestPki.write(dir, "b", pki.leaf(TestPki.SERVER));
      pki.writeAnchors(dir.resolve("anchors.pem"));
      int bPort = TestApp.freePort();
      int entryPort = TestApp.freePort();
      Files.writeString(dir.resolve("discovery.txt"), "127.0.0.1:" + app.port() + " identity=" + TestPki.SERVER
          + " proxy=127.0.0.1:" + bPort + " label.service=app\n");
      Proc b = Proc.start(Map.of(
          "LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:" + bPort,
          "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0",
          "LINKERD2_PROXY_ADMIN_LISTEN_ADDR", "127.0.0.1:0",
          "LATTICE_PROXY_CERT_FILE", dir.resolve("b.crt").toString(),
          "LATTICE_PROXY_KEY_FILE", dir.resolve("b.key").toString(),
          "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS", dir.resolve("anchors.pem").toString()));
      Map<String, String> envA = new java.util.HashMap<>(Map.of(
          "LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0",
          "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:" + entryPort,
          "LINKERD2_PROXY_ADMIN_LISTEN_ADDR", "127.0.0.1:0",
          "LATTICE_PROXY_STATIC_ORIG_DST", entryPort + "=127.0.0.1:" + app.port(),
          "LATTICE_PROXY_DISCOVERY_FILE", dir.resolve("discovery.txt").toString(),
          "LATTICE_PROXY_CERT_FILE", dir.resolve("a.crt").toString(),
          "LATTICE_PROXY_KEY_FILE", dir.resolve("a.key").toString(),
          "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS", dir.resolve("anchors.pem").toString()));
      envA.putAll(extraA);
      try {
        return new Pair(Proc.start(envA), b, entryPort);
      } catch (Exception | AssertionError e) {
        b.process().destroyForcibly();
        throw e;
      }
    }

    /** Kills whichever of the two started. */
    static void stop(Proc a, Proc b) {
      for (Proc p : new Proc[] {a, b}) {
        if (p != null) {
          p.process().destroyForcibly();
        }
      }
    }
  }

  /** A ProxyMain child JVM whose output lines are collected. */
  record Proc(Process process, ConcurrentLinkedQueue<String> lines) {
    static Proc start(Map<String, String> env) throws Exception {
      return start(env, List.of());
    }

    static Proc start(Map<String, String> env, List<String> jvmOptions) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx64m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
          // The proxy turns leak detection off by default; these tests assert that nothing leaks.
          "-Dio.netty.leakDetection.level=simple"));
      cmd.addAll(jvmOptions);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ProxyMain.class.getName()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
      CompletableFuture<Void> ready = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
            if (line.startsWith("admin listening on")) {
              ready.complete(null);
            }
          }
        } catch (IOException ignored) {
          // process ended
        }
        ready.completeExceptionally(new AssertionError("proxy exited before listening: " + lines));
      });
      ready.get(30, TimeUnit.SECONDS);
      return new Proc(p, lines);
    }
  }
}
