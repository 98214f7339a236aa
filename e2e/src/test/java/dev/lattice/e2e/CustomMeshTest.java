package dev.lattice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.local.netns.NetworkNamespace;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A mesh from {@code mesh.yaml}: a meshed {@code python3 -m http.server}, a meshed client calling it by
 * service name, and an unmeshed client calling it by address. Checks what the server's proxy saw, and
 * that killing the server's app takes its endpoint out of the destination stream until the supervisor
 * restarts it, with nothing else restarted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class CustomMeshTest {
  static final String MESH = """
      workloads:
        - name: hello
          namespace: demo
          ports: [8000]
          command: [/usr/bin/python3, -m, http.server, "8000"]
        - name: meshed-client
          namespace: demo
          command: [/bin/sh, -c, "while true; do curl -s -o /dev/null http://hello-svc/; sleep 0.2; done"]
        - name: plain-client
          namespace: demo
          meshed: false
          command: [/bin/sh, -c, "while true; do curl -s -o /dev/null http://10.233.0.2:8000/; sleep 0.2; done"]
      services:
        - name: hello-svc
          namespace: demo
          selector: {app: hello}
          ports: [{port: 80, targetPort: 8000}]
      """;
  private static final String ID_SUFFIX = ".demo.serviceaccount.identity.linkerd.cluster.local";
  private static Path state;
  private static String meshId;

  @BeforeAll
  static void up() throws Exception {
    assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "skipped: lattice up needs root (network namespaces, iptables, the proxy's uid)");
    Lattice.requireBuilt();
    state = Host.stateDir("lattice-e2e-custom");
    Path meshFile = state.resolve("mesh.yaml");
    Files.writeString(meshFile, MESH);
    Lattice.Run up = Lattice.run(Duration.ofMinutes(3), "up", "-f", meshFile.toString(), "--state-dir", state.toString());
    System.out.println("lattice up (custom): " + up);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    Matcher m = Pattern.compile("mesh ([a-z0-9]+) up in").matcher(up.output());
    assertThat(m.find()).isTrue();
    meshId = m.group(1);
  }

  @AfterAll
  static void down() throws Exception {
    if (state == null) {
      return;
    }
    try {
      Lattice.Run down = Lattice.run(Duration.ofMinutes(1), "down", "--state-dir", state.toString());
      assertThat(down.exitCode()).as(down.toString()).isZero();
      assertThat(Host.namespaces()).noneMatch(n -> n.startsWith("lattice-" + meshId));
      assertThat(Host.processesMentioning(state.toString())).isEmpty();
    } finally {
      Host.deleteTree(state);
    }
  }

  private static String ns(String workload) {
    return "lattice-" + meshId + "-demo-" + workload;
  }

  @Test
  @Order(1)
  void serverProxySeesMeshedClientOverTlsAndPlainClientWithout() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Metrics hello = Metrics.scrape(ns("hello"));
      assertThat(hello.sum("request_total", s -> s.label("direction").equals("inbound")
          && s.label("tls").equals("true") && s.label("client_id").equals("meshed-client" + ID_SUFFIX)))
          .as("inbound from meshed-client over mTLS; metrics:%n%s", hello).isPositive();
      assertThat(hello.sum("request_total", s -> s.label("direction").equals("inbound")
          && !s.label("tls").equals("true") && s.label("client_id").isEmpty()))
          .as("inbound from plain-client without TLS; metrics:%n%s", hello).isPositive();
      Metrics client = Metrics.scrape(ns("meshed-client"));
      assertThat(client.sum("response_total", s -> s.label("direction").equals("outbound")
          && s.label("tls").equals("true") && s.label("server_id").equals("hello" + ID_SUFFIX)
          && s.label("status_code").equals("200")))
          .as("meshed-client's outbound 200s from hello; metrics:%n%s", client).isPositive();
    });
  }

  @Test
  @Order(2)
  void killingAnAppRemovesItsEndpointAndTheRestartBringsItBack() throws Exception {
    Map<String, String> pidsBefore = pids();
    String helloApp = "lattice-" + meshId + "-demo-hello.app";
    try (DestinationWatch watch = new DestinationWatch(new NetworkNamespace("lattice-" + meshId),
        new InetSocketAddress(InetAddress.ofLiteral("10.233.0.1"), 8086), "hello-svc.demo.svc.cluster.local:80")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> watch.updates.contains("add 10.233.0.2:8000"));
      long pid = Long.parseLong(pidsBefore.get(helloApp).split(" ")[0]);
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await().atMost(Duration.ofSeconds(10)).until(() -> watch.updates.contains("remove 10.233.0.2:8000"));
      await().atMost(Duration.ofSeconds(30)).until(() -> watch.updates.lastIndexOf("add 10.233.0.2:8000")
          > watch.updates.indexOf("remove 10.233.0.2:8000"));
      assertThat(watch.updates).doesNotContain("completed").noneMatch(u -> u.startsWith("error"));
    }
    Map<String, String> pidsAfter = pids();
    assertThat(pidsAfter.get(helloApp)).isNotEqualTo(pidsBefore.get(helloApp));
    pidsBefore.remove(helloApp);
    pidsAfter.remove(helloApp);
    assertThat(pidsAfter).as("every other process keeps running").isEqualTo(pidsBefore);
  }

  private static Map<String, String> pids() throws Exception {
    Map<String, String> pids = new TreeMap<>();
    try (var files = Files.list(state.resolve("run/pids"))) {
      for (Path f : files.toList()) {
        pids.put(f.getFileName().toString().replace(".pid", ""), Files.readString(f).strip());
      }
    }
    assertThat(pids).containsKeys("supervisor", "control-plane");
    return pids;
  }

}
