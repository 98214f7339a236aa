package dev.lattice.proxy.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.pki.Certificates;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.KeyPairs;
import dev.lattice.proxy.admin.Readiness;
import dev.lattice.proxy.identity.FakeIdentityServer.Outcome;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.PrometheusText;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity client against a scripted identity service on a real loopback gRPC server, with
 * virtual time driving every refresh and retry.
 */
class IdentityClientTest {
  private static final IdentityName ME = new IdentityName("web.emojivoto.serviceaccount.identity.linkerd.cluster.local");
  private static final Duration LIFETIME = Duration.ofSeconds(100);

  @TempDir Path dir;

  @BeforeAll
  static void pollEagerly() {
    // Virtual time makes every wait a short one; the default 100 ms poll delay would dominate.
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
  }

  @AfterAll
  static void resetPolling() {
    Awaitility.reset();
  }
  private VirtualTime time;
  private FakeIdentityServer server;
  private MetricsRegistry metrics;
  private Path tokenFile;
  private final ScriptedRandom random = new ScriptedRandom();
  private final List<Credentials> notified = new CopyOnWriteArrayList<>();
  private IdentityClient client;

  @BeforeEach
  void setUp() throws IOException {
    // X.509 times have whole seconds; start on one so expiries compare exactly.
    time = new VirtualTime(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = new FakeIdentityServer(time, LIFETIME);
    metrics = new MetricsRegistry();
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "token-1");
    client = IdentityClient.builder(config(Duration.ofSeconds(10), Duration.ofHours(24)))
        .clock(time).scheduler(time).metrics(metrics).random(random).build();
    client.subscribe(notified::add);
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  @Test
  void certifiesWithTheKeyItGenerated() throws Exception {
    Instant t0 = time.instant();
    client.start();
    Credentials credentials = client.certified().get(10, TimeUnit.SECONDS);

    FakeIdentityServer.Received call = server.received().getFirst();
    assertThat(call.identity()).isEqualTo(ME.value());
    assertThat(new String(call.token(), StandardCharsets.UTF_8)).isEqualTo("token-1");
    // The leaf certifies the key from the proxy's CSR, and the proxy holds that key's private half.
    assertThat(credentials.leaf().getPublicKey()).isEqualTo(call.csrKey());
    assertThat(KeyPairs.matches(credentials.key(), credentials.leaf().getPublicKey())).isTrue();
    assertThat(KeyPairs.isP256(credentials.leaf().getPublicKey())).isTrue();
    assertThat(Certificates.dnsNames(credentials.leaf())).containsExactly(ME.value());
    assertThat(credentials.identity()).isEqualTo(ME);
    assertThat(credentials.chain()).hasSize(2);
    assertThat(credentials.notAfter()).isEqualTo(t0.plus(LIFETIME));
    assertThat(client.current()).contains(credentials);
    assertThat(notified).containsExactly(credentials);
    assertThat(Readiness.certified(client, time).isReady()).isTrue();

    PrometheusText text = PrometheusText.parse(metrics.render());
    assertThat(text.value("identity_cert_expiration_timestamp_seconds"))
        .hasValue(t0.plus(LIFETIME).getEpochSecond());
    assertThat(text.value("identity_cert_refresh_count")).hasValue(1);
    assertThat(text.value("identity_cert_refreshes_total", "result", "ok")).hasValue(1);
    assertThat(text.value("identity_cert_refreshes_total", "result", "error")).hasValue(0);
  }

  @Test
  void refreshesAtSeventyPercentOfTheRemainingLifetime() throws Exception {
    Instant t0 = time.instant();
    client.start();
    Credentials first = client.certified().get(10, TimeUnit.SECONDS);
    await().until(() -> client.nextAttemptAt().isPresent());
    assertThat(client.nextAttemptAt()).contains(t0.plusSeconds(70));

    time.advance(Duration.ofSeconds(69));
    assertThat(server.calls()).isEqualTo(1);

    time.advance(Duration.ofSeconds(1));
    // Subscribers hear of new credentials just after they become current: wait for both.
    await().until(() -> client.current().orElseThrow() != first && notified.size() == 2);
    Credentials second = client.current().orElseThrow();
    assertThat(server.calls()).isEqualTo(2);
    assertThat(second.notAfter()).isEqualTo(t0.plusSeconds(170));
    // One key per process: the refresh certifies the same key again.
    assertThat(second.leaf().getPublicKey()).isEqualTo(first.leaf().getPublicKey());
    assertThat(notified).containsExactly(first, second);
    await().until(() -> client.nextAttemptAt().isPresent());
    assertThat(client.nextAttemptAt()).contains(t0.plusSeconds(140));

    PrometheusText text = PrometheusText.parse(metrics.render());
    assertThat(text.value("identity_cert_expiration_timestamp_seconds")).hasValue(t0.plusSeconds(170).getEpochSecond());
    assertThat(text.value("identity_cert_refresh_count")).hasValue(2);
    assertThat(text.value("identity_cert_refresh_timestamp_seconds")).hasValue(t0.plusSeconds(70).getEpochSecond());
  }

  @Test
  void refreshDelayIsClampedToMinAndMaxRefresh() throws Exception {
    client.close();
    // 70% of 100 s is 70 s; a max of 30 s wins.
    client = IdentityClient.builder(config(Duration.ofSeconds(5), Duration.ofSeconds(30)))
        .clock(time).scheduler(time).metrics(new MetricsRegistry()).build();
    Instant t0 = time.instant();
    client.start();
    client.certified().get(10, TimeUnit.SECONDS);
    await().until(() -> client.nextAttemptAt().isPresent());
    assertThat(client.nextAttemptAt()).contains(t0.plusSeconds(30));
  }

  @Test
  void rereadsTheTokenFileOnEveryCall() throws Exception {
    client.start();
    client.certified().get(10, TimeUnit.SECONDS);
    Files.writeString(tokenFile, "token-2");
    await().until(() -> client.nextAttemptAt().isPresent());
    time.advanceTo(client.nextAttemptAt().orElseThrow());
    await().until(() -> server.calls() == 2);
    assertThat(new String(server.received().get(1).token(), StandardCharsets.UTF_8)).isEqualTo("token-2");
  }

  @Test
  void failuresBackOffExponentiallyWithJitterAndAreCounted() throws Exception {
    server.script(new Outcome.Fail(Status.UNAVAILABLE), new Outcome.Fail(Status.UNAVAILABLE),
        new Outcome.Fail(Status.UNAVAILABLE), new Outcome.Fail(Status.INTERNAL));
    // Jitter scales each delay by 0.5 + 0.5 * u; these are the u values, in order.
    random.script(0.25, 0.5, 0.75, 0.9);
    client.start();

    // base = min_refresh (10 s) doubling per failure; no certificate yet, so capped at one minute.
    List<Duration> expected = List.of(
        Duration.ofMillis(6250), Duration.ofSeconds(15), Duration.ofSeconds(35), Duration.ofSeconds(57));
    for (int failure = 1; failure <= expected.size(); failure++) {
      await().until(() -> client.nextAttemptAt().isPresent());
      Instant now = time.instant();
      assertThat(Duration.between(now, client.nextAttemptAt().orElseThrow()))
          .as("delay after failure %d", failure).isEqualTo(expected.get(failure - 1));
      assertThat(errors()).isEqualTo(failure);
      assertThat(client.current()).isEmpty();
      assertThat(Readiness.certified(client, time).isReady()).isFalse();
      time.advanceTo(client.nextAttemptAt().orElseThrow());
    }

    Credentials credentials = client.certified().get(10, TimeUnit.SECONDS);
    assertThat(server.calls()).isEqualTo(5);
    assertThat(notified).containsExactly(credentials);
    PrometheusText text = PrometheusText.parse(metrics.render());
    assertThat(text.value("identity_cert_refreshes_total", "result", "error")).hasValue(4);
    assertThat(text.value("identity_cert_refreshes_total", "result", "ok")).hasValue(1);
    assertThat(text.value("identity_cert_refresh_count")).hasValue(1);
  }

  @Test
  void retriesNeverWaitPastTheCurrentCertificatesExpiry() throws Exception {
    client.start();
    Credentials held = client.certified().get(10, TimeUnit.SECONDS);
    server.script(java.util.stream.Stream.generate(() -> (Outcome) new Outcome.Fail(Status.UNAVAILABLE))
        .limit(20).toArray(Outcome[]::new));
    random.always(0.999);

    // Fail every refresh until the certificate has expired: every retry lands before expiry.
    await().until(() -> client.nextAttemptAt().isPresent());
    while (client.nextAttemptAt().orElseThrow().isBefore(held.notAfter())) {
      time.advanceTo(client.nextAttemptAt().orElseThrow());
      await().until(() -> client.nextAttemptAt().isPresent());
      assertThat(client.nextAttemptAt().orElseThrow()).isBeforeOrEqualTo(held.notAfter());
    }
    // Refresh at 70 s, then retries at ~80 s and ~100 s: the doubling was cut short by the expiry.
    assertThat(errors()).isEqualTo(3);

    // Once expired the proxy is not ready, keeps the old certificate for inspection, and keeps trying.
    time.advanceTo(held.notAfter());
    await().until(() -> client.nextAttemptAt().isPresent());
    assertThat(Readiness.certified(client, time).isReady()).isFalse();
    assertThat(client.current()).contains(held);
    assertThat(Duration.between(time.instant(), client.nextAttemptAt().orElseThrow()))
        .isLessThanOrEqualTo(RefreshPolicy.UNCERTIFIED_RETRY_CAP);
  }

  @Test
  void refusesAChainFromAForeignAnchor() throws Exception {
    assertRefusedThenRecovers(new Outcome.ForeignAnchor());
  }

  @Test
  void refusesALeafForAnotherIdentity() throws Exception {
    assertRefusedThenRecovers(
        new Outcome.OtherIdentity(new IdentityName("db.emojivoto.serviceaccount.identity.linkerd.cluster.local")));
  }

  @Test
  void refusesALeafForAKeyItDidNotGenerate() throws Exception {
    assertRefusedThenRecovers(new Outcome.OtherKey());
  }

  @Test
  void aMissingTokenFileIsARetriedFailure() throws Exception {
    Files.delete(tokenFile);
    client.start();
    await().until(() -> client.nextAttemptAt().isPresent());
    assertThat(server.calls()).isZero();
    assertThat(errors()).isEqualTo(1);

    Files.writeString(tokenFile, "token-late");
    time.advanceTo(client.nextAttemptAt().orElseThrow());
    client.certified().get(10, TimeUnit.SECONDS);
    assertThat(new String(server.received().getFirst().token(), StandardCharsets.UTF_8)).isEqualTo("token-late");
  }

  @Test
  void closingStopsRefreshes() throws Exception {
    client.start();
    client.certified().get(10, TimeUnit.SECONDS);
    client.close();
    assertThat(time.pendingTasks()).isZero();
    time.advance(Duration.ofHours(1));
    assertThat(server.calls()).isEqualTo(1);
  }

  private void assertRefusedThenRecovers(Outcome bad) throws Exception {
    server.script(bad);
    client.start();
    await().until(() -> client.nextAttemptAt().isPresent());
    assertThat(server.issued()).hasSize(1);
    assertThat(client.current()).isEmpty();
    assertThat(client.certified()).isNotDone();
    assertThat(notified).isEmpty();
    assertThat(errors()).isEqualTo(1);
    assertThat(PrometheusText.parse(metrics.render()).series("identity_cert_expiration_timestamp_seconds")).isEmpty();

    time.advanceTo(client.nextAttemptAt().orElseThrow());
    Credentials good = client.certified().get(10, TimeUnit.SECONDS);
    assertThat(good.leaf()).isEqualTo(server.issued().get(1).leaf());
    assertThat(notified).containsExactly(good);
  }

  private double errors() {
    return PrometheusText.parse(metrics.render())
        .value("identity_cert_refreshes_total", "result", "error").orElseThrow();
  }

  private IdentityConfig config(Duration min, Duration max) {
    return new IdentityConfig(ME, server.trustAnchors(), tokenFile, server.address(), Optional.empty(), min, max);
  }

  /** Hands out scripted values to {@link RandomGenerator#nextDouble()}, then a fixed one. */
  static final class ScriptedRandom implements RandomGenerator {
    private final Queue<Double> values = new ArrayDeque<>();
    private double fallback = 0.5;

    synchronized void script(double... next) {
      for (double value : next) {
        values.add(value);
      }
    }

    synchronized void always(double value) {
      values.clear();
      fallback = value;
    }

    @Override
    public synchronized double nextDouble() {
      Double next = values.poll();
      return next == null ? fallback : next;
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("only nextDouble is scripted");
    }
  }
}
