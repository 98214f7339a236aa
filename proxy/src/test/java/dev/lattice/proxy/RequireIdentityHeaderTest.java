package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * §3.6 {@code l5d-require-id}: an application can demand that the destination prove an identity.
 * Through a real pair with curl: the matching identity is served (and the header never reaches the
 * destination); another identity, a destination with none, or a malformed value gets a 502 from the
 * client's own proxy without the request leaving it, counted as {@code error="identity required"}.
 */
class RequireIdentityHeaderTest {
  static TestApp app;
  static ProxyPair pair;

  @BeforeAll
  static void start() throws IOException {
    app = new TestApp();
    pair = ProxyPair.to(new TestPki(), app.address());
  }

  @AfterAll
  static void stop() throws IOException {
    pair.close();
    app.close();
  }

  @AfterEach
  void meshedAgain() {
    pair.meshed(app.address(), false);
  }

  @Test
  void theDestinationsOwnIdentityIsServedAndTheHeaderStaysInTheProxy() {
    Processes.Result r = curl("-H", "l5d-require-id: " + TestPki.SERVER.value());

    assertThat(r.out()).as(r.err()).startsWith("HTTP/1.1 200").containsIgnoringCase("x-seen-require-id: none");
  }

  @Test
  void anotherIdentityGets502FromTheClientsProxyWithoutReachingTheDestination() {
    int requestsBefore = app.requests.get();
    double errorsBefore = identityRequiredErrors();

    Processes.Result r = curl("-H", "l5d-require-id: someone-else.ns.serviceaccount.identity.linkerd.cluster.local");

    assertThat(r.out()).as(r.err()).startsWith("HTTP/1.1 502")
        .containsIgnoringCase("l5d-proxy-error: required id someone-else.ns.serviceaccount.identity.linkerd.cluster.local; found "
            + TestPki.SERVER.value())
        .containsIgnoringCase("connection: close");
    assertThat(app.requests.get()).as("the request never left the client's proxy").isEqualTo(requestsBefore);
    assertThat(identityRequiredErrors()).isEqualTo(errorsBefore + 1);
  }

  @Test
  void anUnmeshedDestinationHasNoIdentityToProve() {
    pair.discovery.clear();
    int requestsBefore = app.requests.get();

    Processes.Result r = curl("-H", "l5d-require-id: " + TestPki.SERVER.value());

    assertThat(r.out()).as(r.err()).startsWith("HTTP/1.1 502").containsIgnoringCase("; found none");
    assertThat(app.requests.get()).isEqualTo(requestsBefore);
  }

  @Test
  void aMalformedValueFailsClosed() {
    Processes.Result r = curl("-H", "l5d-require-id: not an identity");

    assertThat(r.out()).as(r.err()).startsWith("HTTP/1.1 502");
  }

  @Test
  void aGrpcCallIsRefusedInGrpcTerms() {
    Processes.Result r = Processes.run("curl", "-sS", "-D", "-", "-o", "/dev/null", "--http2-prior-knowledge",
        "-H", "content-type: application/grpc", "-H", "l5d-require-id: someone-else.example", "-d", "",
        pair.entryUrl("/pkg.Service/Method"));

    assertThat(r.out()).as(r.err()).startsWith("HTTP/2 200").contains("grpc-status: 14")
        .contains("l5d-proxy-error: required id someone-else.example; found " + TestPki.SERVER.value());
  }

  private static Processes.Result curl(String... extra) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-D", "-", "-o", "/dev/null"));
    command.addAll(List.of(extra));
    command.add(pair.entryUrl("/"));
    return Processes.run(command, null, 60);
  }

  private static double identityRequiredErrors() {
    return MetricsText.sum(pair.metricsA, "outbound_http_errors_total", Map.of("error", "identity required"));
  }
}
