package dev.lattice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * {@code lattice up} with the demo, through the real CLI entry point: traffic flows web → emoji and
 * web → voting over mTLS with the expected identities (read from the proxies' own /metrics), and
 * {@code lattice down} leaves nothing behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class DemoMeshTest {
  private static final String ID_SUFFIX = ".emojivoto.serviceaccount.identity.linkerd.cluster.local";
  private static Path state;
  private static String meshId;
  private static List<String> linksBefore;
  private static Lattice.Run up;

  @BeforeAll
  static void up() throws Exception {
    assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "skipped: lattice up needs root (network namespaces, iptables, the proxy's uid)");
    Lattice.requireBuilt();
    linksBefore = Host.links();
    state = Host.stateDir("lattice-e2e-demo");
    up = Lattice.run(Duration.ofMinutes(3), "up", "--state-dir", state.toString(), "--expose", "emojivoto/web:8080@0");
    System.out.println("lattice up (demo): " + up);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    Matcher m = Pattern.compile("mesh ([a-z0-9]+) up in ([0-9.]+)s").matcher(up.output());
    assertThat(m.find()).as(up.output()).isTrue();
    meshId = m.group(1);
  }

  @AfterAll
  static void down() throws Exception {
    if (state == null) {
      return;
    }
    try {
      Lattice.run(Duration.ofMinutes(1), "down", "--state-dir", state.toString());
    } finally {
      Host.deleteTree(state);
    }
  }

  private static String ns(String workload) {
    return "lattice-" + meshId + "-emojivoto-" + workload;
  }

  @Test
  @Order(1)
  void upReportsEveryStepAndAllWorkloadsReady() {
    assertThat(up.output()).contains("identity: trust anchor", "network: namespace lattice-" + meshId,
        "workload emojivoto/web: namespace " + ns("web"), "proxy-init rules installed", "control plane: identity",
        "all 4 workloads ready", "Try next:");
    for (String w : List.of("emoji", "voting", "web", "vote-bot")) {
      assertThat(up.output()).contains("workload emojivoto/" + w + " ready in");
      assertThat(up.output()).contains("proxy ready as " + w + ID_SUFFIX);
    }
  }

  @Test
  @Order(2)
  void webTalksToEmojiAndVotingOverMutualTlsWithTheirIdentities() {
    // vote-bot → web → emoji/voting: wait until web's proxy has seen successful gRPC to both.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Metrics web = Metrics.scrape(ns("web"));
      for (String peer : List.of("emoji", "voting")) {
        assertThat(web.sum("response_total", s -> s.label("direction").equals("outbound")
            && s.label("tls").equals("true") && s.label("server_id").equals(peer + ID_SUFFIX)
            && s.label("classification").equals("success")))
            .as("web's outbound responses from %s with tls=true; metrics:%n%s", peer, web).isPositive();
      }
    });
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      for (String peer : List.of("emoji", "voting")) {
        Metrics server = Metrics.scrape(ns(peer));
        assertThat(server.sum("response_total", s -> s.label("direction").equals("inbound")
            && s.label("tls").equals("true") && s.label("client_id").equals("web" + ID_SUFFIX)
            && s.label("classification").equals("success")))
            .as("%s's inbound responses to web with tls=true; metrics:%n%s", peer, server).isPositive();
      }
      Metrics web = Metrics.scrape(ns("web"));
      assertThat(web.sum("request_total", s -> s.label("direction").equals("inbound")
          && s.label("tls").equals("true") && s.label("client_id").equals("vote-bot" + ID_SUFFIX)))
          .as("web's inbound requests from vote-bot; metrics:%n%s", web).isPositive();
    });
  }

  @Test
  @Order(3)
  void theWebAppIsServedOnTheHostsLoopback() throws Exception {
    Matcher m = Pattern.compile("open http://(127\\.0\\.0\\.1:[0-9]+)/").matcher(up.output());
    assertThat(m.find()).as(up.output()).isTrue();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create("http://" + m.group(1) + "/api/list"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(":joy:");
  }

  @Test
  @Order(4)
  void statusListsWorkloadsWithAddressesReadinessAndIdentities() throws Exception {
    Lattice.Run status = Lattice.run(Duration.ofSeconds(60), "status", "--state-dir", state.toString());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    for (String w : List.of("emoji", "voting", "web", "vote-bot")) {
      assertThat(status.output()).containsPattern("emojivoto\\s+" + w + "\\s+10\\.233\\.0\\.\\d+\\s+ready\\s+ready\\s+"
          + Pattern.quote(w + ID_SUFFIX) + "\\s+" + ns(w));
    }
  }

  @Test
  @Order(5)
  void upTwiceIsRefusedWithAClearMessage() throws Exception {
    Lattice.Run again = Lattice.run(Duration.ofSeconds(60), "up", "--state-dir", state.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.output()).contains("a mesh is already up in " + state, "lattice down first");
  }

  @Test
  @Order(6)
  void downRemovesEverythingUpCreated() throws Exception {
    Lattice.Run down = Lattice.run(Duration.ofMinutes(1), "down", "--state-dir", state.toString());
    assertThat(down.exitCode()).as(down.toString()).isZero();
    assertThat(down.output()).contains("removed 5 network namespaces", "is down");
    assertThat(Host.namespaces()).noneMatch(n -> n.startsWith("lattice-" + meshId));
    assertThat(Host.etcNetns()).noneMatch(n -> n.startsWith("lattice-" + meshId));
    assertThat(Host.links()).containsExactlyInAnyOrderElementsOf(linksBefore);
    assertThat(Host.processesMentioning(state.toString())).isEmpty();
    assertThat(Host.processesMentioning("lattice-" + meshId)).isEmpty();
    assertThat(Files.exists(state.resolve("mesh.json"))).isFalse();
    assertThat(Files.exists(state.resolve("run"))).isFalse();
    Lattice.Run twice = Lattice.run(Duration.ofSeconds(60), "down", "--state-dir", state.toString());
    assertThat(twice.exitCode()).isZero();
    assertThat(twice.output()).contains("no mesh is up in " + state);
  }

}
