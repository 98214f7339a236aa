package dev.lattice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The walkthrough of docs/policy.md on a real mesh: {@code lattice up}, {@code lattice apply -f} each
 * manifest of docs/policy-walkthrough/, then the allowed calls still flow (the demo's own traffic and
 * vote-bot's GETs) while every other call is refused by the server's proxy, and {@code lattice authz
 * explain} names the Server that refuses it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class PolicyWalkthroughTest {
  private static final String ID_SUFFIX = ".emojivoto.serviceaccount.identity.linkerd.cluster.local";
  private static final Path WALKTHROUGH = Lattice.HOME.resolve("docs/policy-walkthrough");
  private static final Duration ENFORCED = Duration.ofSeconds(30);
  // By service name, as the demo's apps call each other: the client's proxy then knows the server's
  // identity and speaks mesh TLS, so the server's proxy sees the client's identity.
  private static final String WEB = "web-svc.emojivoto:8080";
  private static final String EMOJI = "emoji-svc.emojivoto:8080";
  private static Path state;
  private static String meshId;
  private static String voteBotIp;

  @BeforeAll
  static void upAndApply() throws Exception {
    assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "skipped: lattice up needs root (network namespaces, iptables, the proxy's uid)");
    Lattice.requireBuilt();
    state = Host.stateDir("lattice-e2e-walk");
    Lattice.Run up = Lattice.run(Duration.ofMinutes(3), "up", "--state-dir", state.toString());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    Matcher m = Pattern.compile("mesh ([a-z0-9]+) up in").matcher(up.output());
    assertThat(m.find()).as(up.output()).isTrue();
    meshId = m.group(1);
    Lattice.Run status = Lattice.run(Duration.ofSeconds(60), "status", "--state-dir", state.toString());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    voteBotIp = address(status.output(), "vote-bot");
    // Before any policy, the default (all-unauthenticated) lets emoji's namespace reach web.
    await().atMost(ENFORCED).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(httpStatus("emoji", "GET", "/api/list")).isEqualTo("200"));
    try (Stream<Path> files = Files.list(WALKTHROUGH)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        Lattice.Run apply = Lattice.run(Duration.ofSeconds(60), "apply", "--state-dir", state.toString(),
            "-f", file.toString());
        assertThat(apply.exitCode()).as("apply %s: %s", file, apply).isZero();
      }
    }
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

  @Test
  @Order(1)
  void aWorkloadWithoutAnAuthorizationGets403FromWeb() {
    await().atMost(ENFORCED).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(httpStatus("emoji", "GET", "/api/list")).isEqualTo("403"));
  }

  @Test
  @Order(2)
  void voteBotMayStillReadButNotUseAnyOtherPathOrMethod() throws Exception {
    assertThat(httpStatus("vote-bot", "GET", "/api/list")).isEqualTo("200");
    assertThat(httpStatus("vote-bot", "POST", "/api/vote?choice=:joy:")).isEqualTo("403");
    assertThat(httpStatus("vote-bot", "GET", "/api/leaderboard")).isEqualTo("403");
    await().atMost(ENFORCED).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Metrics web = Metrics.scrape(ns("web"));
      assertThat(web.sum("inbound_http_authz_allow_total", s -> s.label("srv_name").equals("web-http")
          && s.label("route_name").equals("web-api-read") && s.label("authz_name").equals("web-api-read-from-vote-bot")
          && s.label("client_id").equals("vote-bot" + ID_SUFFIX)))
          .as("web's requests allowed by the walkthrough; metrics:%n%s", web).isPositive();
      assertThat(web.sum("inbound_http_authz_deny_total", s -> s.label("srv_name").equals("web-http")
          && s.label("route_name").equals("web-other") && s.label("client_id").equals("vote-bot" + ID_SUFFIX)))
          .as("web's requests denied on the catch-all route; metrics:%n%s", web).isPositive();
      // Servers were applied last, so vote-bot never met web-http without its routes.
      assertThat(web.sum("inbound_http_authz_deny_total", s -> s.label("srv_name").equals("web-http")
          && s.label("route_kind").equals("default") && s.label("client_id").equals("vote-bot" + ID_SUFFIX)))
          .as("vote-bot's requests denied on web-http's default route; metrics:%n%s", web).isZero();
    });
  }

  @Test
  @Order(3)
  void voteBotCannotCallEmojiDirectlyButWebStillCan() throws Exception {
    double deniedBefore = Metrics.scrape(ns("emoji")).sum("inbound_http_authz_deny_total",
        s -> s.label("srv_name").equals("emoji-grpc") && s.label("client_id").equals("vote-bot" + ID_SUFFIX));
    String headers = Host.exec("ip", "netns", "exec", ns("vote-bot"), "curl", "-s", "--max-time", "5",
        "--http2-prior-knowledge", "-X", "POST", "-H", "content-type: application/grpc", "-H", "te: trailers",
        "--data-binary", "@/dev/null", "-o", "/dev/null", "-D", "-",
        "http://" + EMOJI + "/emojivoto.v1.EmojiService/ListAll");
    assertThat(headers.toLowerCase(java.util.Locale.ROOT)).as(headers).contains("grpc-status: 7");
    await().atMost(ENFORCED).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Metrics emoji = Metrics.scrape(ns("emoji"));
      assertThat(emoji.sum("inbound_http_authz_deny_total", s -> s.label("srv_name").equals("emoji-grpc")
          && s.label("client_id").equals("vote-bot" + ID_SUFFIX)))
          .as("emoji's denied requests from vote-bot; metrics:%n%s", emoji).isGreaterThan(deniedBefore);
    });
    // The demo's own traffic keeps flowing: vote-bot → web → emoji, allowed by emoji-from-web.
    java.util.function.Predicate<Metrics.Sample> fromWeb = s -> s.label("authz_name").equals("emoji-from-web")
        && s.label("client_id").equals("web" + ID_SUFFIX);
    double allowedBefore = Metrics.scrape(ns("emoji")).sum("inbound_http_authz_allow_total", fromWeb);
    await().atMost(ENFORCED).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Metrics emoji = Metrics.scrape(ns("emoji"));
      assertThat(emoji.sum("inbound_http_authz_allow_total", fromWeb))
          .as("emoji's allowed requests from web; metrics:%n%s", emoji).isGreaterThan(allowedBefore);
      assertThat(emoji.sum("response_total", s -> s.label("direction").equals("inbound")
          && s.label("client_id").equals("web" + ID_SUFFIX) && s.label("classification").equals("success")))
          .isPositive();
    });
  }

  @Test
  @Order(4)
  void explainSaysWhyTheBlockedCallIsBlocked() throws Exception {
    Lattice.Run explain = Lattice.run(Duration.ofSeconds(60), "authz", "explain",
        "-f", WALKTHROUGH.toString(), "-f", WALKTHROUGH.resolve("offline").toString(),
        "--cluster-networks", "10.233.0.0/16", "--to", "emoji.emojivoto", "--port", "8080",
        "--from-identity", "vote-bot" + ID_SUFFIX, "--from-ip", voteBotIp,
        "--grpc", "emojivoto.v1.EmojiService/ListAll");
    assertThat(explain.exitCode()).as(explain.toString()).isEqualTo(3);
    assertThat(explain.output()).contains("server/emoji-grpc", "grpc-status 7", "authorizationpolicy/emoji-from-web");
    Lattice.Run allowed = Lattice.run(Duration.ofSeconds(60), "authz", "explain",
        "-f", WALKTHROUGH.toString(), "-f", WALKTHROUGH.resolve("offline").toString(),
        "--cluster-networks", "10.233.0.0/16", "--to", "web.emojivoto", "--port", "8080",
        "--from-identity", "vote-bot" + ID_SUFFIX, "--from-ip", voteBotIp, "--method", "GET", "--path", "/api/list");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
  }

  private static String ns(String workload) {
    return "lattice-" + meshId + "-emojivoto-" + workload;
  }

  private static String address(String status, String workload) {
    Matcher m = Pattern.compile("emojivoto\\s+" + Pattern.quote(workload) + "\\s+(10\\.233\\.0\\.\\d+)").matcher(status);
    assertThat(m.find()).as("address of %s in:%n%s", workload, status).isTrue();
    return m.group(1);
  }

  /** The HTTP status of a request from inside {@code from}'s namespace (through its proxy) to web. */
  private static String httpStatus(String from, String method, String path) throws IOException, InterruptedException {
    return Host.exec(List.of("ip", "netns", "exec", ns(from), "curl", "-s", "--max-time", "5", "-o", "/dev/null",
        "-w", "%{http_code}", "-X", method, "http://" + WEB + path).toArray(String[]::new)).strip();
  }
}
