package dev.lattice.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.demo.bot.VoteBot;
import dev.lattice.demo.bot.VoteBotConfig;
import dev.lattice.demo.bot.VoteBotWorkload;
import dev.lattice.demo.runtime.Addresses;
import dev.lattice.demo.runtime.GrpcWorkload;
import dev.lattice.demo.web.WebWorkload;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The three servers on loopback ephemeral ports, driven through the web's JSON API like a browser would. */
class DemoEndToEndTest {
  private static final JsonMapper json = JsonMapper.builder().build();
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static GrpcWorkload emoji;
  private static GrpcWorkload voting;
  private static WebWorkload web;
  private static URI base;

  @BeforeAll
  static void startServers() {
    Map<String, String> loopback = Map.of("GRPC_HOST", "127.0.0.1", "GRPC_PORT", "0");
    emoji = (GrpcWorkload) DemoMain.start("emoji", loopback);
    voting = (GrpcWorkload) DemoMain.start("voting", loopback);
    web =
        (WebWorkload)
            DemoMain.start(
                "web",
                Map.of(
                    "WEB_HOST_ADDR", "127.0.0.1",
                    "WEB_PORT", "0",
                    "EMOJISVC_HOST", Addresses.format(emoji.address()),
                    "VOTINGSVC_HOST", Addresses.format(voting.address())));
    base = URI.create("http://" + Addresses.format(web.address()));
  }

  @AfterAll
  static void stopServers() {
    for (var workload : List.of(web, voting, emoji)) {
      if (workload != null) {
        workload.close();
      }
    }
  }

  @Test
  void listReturnsTheCatalogue() throws Exception {
    HttpResponse<String> response = get("/api/list");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode list = json.readTree(response.body());
    assertThat(list.size()).isBetween(20, 40);
    assertThat(list.get(0).get("shortcode").asString()).isEqualTo(":joy:");
    assertThat(list.get(0).get("unicode").asString()).isEqualTo("😂");
    assertThat(list.valueStream().map(e -> e.get("shortcode").asString())).contains(":doughnut:").doesNotHaveDuplicates();
  }

  @Test
  void aVoteShowsUpOnTheLeaderboard() throws Exception {
    long before = votes(":rocket:");

    HttpResponse<String> response = get("/api/vote?choice=:rocket:");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json.readTree(response.body()).get("voted").asString()).isEqualTo(":rocket:");
    assertThat(votes(":rocket:")).isEqualTo(before + 1);
    JsonNode rocket = standing(":rocket:");
    assertThat(rocket.get("unicode").asString()).isEqualTo("🚀");
  }

  @Test
  void theLeaderboardIsSortedByVotes() throws Exception {
    get("/api/vote?choice=:owl:");
    get("/api/vote?choice=:owl:");
    get("/api/vote?choice=:owl:");
    get("/api/vote?choice=:bee:");

    List<Long> counts = json.readTree(get("/api/leaderboard").body()).valueStream().map(s -> s.get("votes").asLong()).toList();

    assertThat(counts).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(votes(":owl:")).isGreaterThan(votes(":bee:"));
  }

  @Test
  void votingForTheDoughnutFailsWith500() throws Exception {
    HttpResponse<String> response = get("/api/vote?choice=:doughnut:");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.readTree(response.body()).get("error").asString())
        .startsWith("voting-svc failed: UNKNOWN")
        .contains(":doughnut:");
    assertThat(standing(":doughnut:")).isNull();
  }

  @Test
  void badChoicesAre400WithAReason() throws Exception {
    HttpResponse<String> unknown = get("/api/vote?choice=:no_such_emoji:");
    HttpResponse<String> missing = get("/api/vote");
    String malformed = rawStatusLine("GET /api/vote?choice=%ZZ HTTP/1.1"); // java.net.http refuses to send it

    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json.readTree(unknown.body()).get("error").asString()).contains(":no_such_emoji:", "/api/list");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json.readTree(missing.body()).get("error").asString()).startsWith("choice: missing");
    assertThat(malformed).startsWith("HTTP/1.1 400");
  }

  @Test
  void servesThePage() throws Exception {
    HttpResponse<String> page = get("/");
    HttpResponse<String> script = get("/app.js");
    HttpResponse<String> nothing = get("/nope");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.body()).contains("<script src=\"/app.js\">");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("/api/vote?choice=", "/api/leaderboard", "/api/list");
    assertThat(nothing.statusCode()).isEqualTo(404);
  }

  @Test
  void upstreamDownIs500NamingTheService() throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (WebWorkload orphan =
        (WebWorkload)
            DemoMain.start(
                "web",
                Map.of(
                    "WEB_HOST_ADDR", "127.0.0.1",
                    "WEB_PORT", "0",
                    "EMOJISVC_HOST", "127.0.0.1:" + closedPort,
                    "VOTINGSVC_HOST", "127.0.0.1:" + closedPort))) {
      URI orphanBase = URI.create("http://" + Addresses.format(orphan.address()));
      HttpResponse<String> response =
          http.send(HttpRequest.newBuilder(orphanBase.resolve("/api/list")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(json.readTree(response.body()).get("error").asString()).startsWith("emoji-svc failed: UNAVAILABLE");
    }
  }

  @Test
  void voteBotVotesThroughTheWeb() throws Exception {
    long before = totalVotes();
    VoteBot bot =
        VoteBot.create(
            new VoteBotConfig(base, 1000),
            InstantSource.fixed(Instant.EPOCH),
            d -> {}, // no pacing in the test: 40 votes as fast as the servers answer
            new EveryChoiceInTurn());

    VoteBotWorkload run = VoteBotWorkload.start(bot, 40);
    run.awaitTermination();
    run.close();

    VoteBot.Tally tally = run.tally();
    // 40 attempts over the 36 emoji in turn: :doughnut: comes up once and fails, the rest count.
    assertThat(tally).isEqualTo(new VoteBot.Tally(39, 1));
    // Every accepted vote is counted; failures are votes for :doughnut:, which are never counted.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(totalVotes()).isEqualTo(before + tally.succeeded()));
  }

  /** Picks index 0, 1, 2, … in turn, so a run covers the whole list predictably. */
  private static final class EveryChoiceInTurn implements RandomGenerator {
    private int next;

    @Override
    public int nextInt(int bound) {
      return next++ % bound;
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("the bot only asks for bounded ints");
    }
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String rawStatusLine(String requestLine) throws Exception {
    try (var socket = new Socket(web.address().getAddress(), web.address().getPort())) {
      String request = requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  private static JsonNode standing(String shortcode) throws Exception {
    HttpResponse<String> response = get("/api/leaderboard");
    assertThat(response.statusCode()).isEqualTo(200);
    return json.readTree(response.body()).valueStream()
        .filter(s -> s.get("shortcode").asString().equals(shortcode))
        .findFirst()
        .orElse(null);
  }

  private static long votes(String shortcode) throws Exception {
    JsonNode standing = standing(shortcode);
    return standing == null ? 0 : standing.get("votes").asLong();
  }

  private static long totalVotes() throws Exception {
    return json.readTree(get("/api/leaderboard").body()).valueStream().mapToLong(s -> s.get("votes").asLong()).sum();
  }
}
