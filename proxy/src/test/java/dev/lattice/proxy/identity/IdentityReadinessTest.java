package dev.lattice.proxy.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.admin.AdminConfig;
import dev.lattice.proxy.admin.AdminServer;
import dev.lattice.proxy.admin.Readiness;
import dev.lattice.proxy.metrics.BuildInfo;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.ProcessMetrics;
import dev.lattice.proxy.metrics.PrometheusText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production wiring, end to end on loopback: identity client (real clock, its own scheduler
 * thread, its own gRPC channel from the config) and admin server, probed over real HTTP.
 */
class IdentityReadinessTest {
  private static final IdentityName ME = new IdentityName("web.emojivoto.serviceaccount.identity.linkerd.cluster.local");

  @TempDir Path dir;

  @Test
  void readyFlipsOnceCertifiedAndMetricsShowTheCertificate() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "token");
    MetricsRegistry metrics = new MetricsRegistry();
    ProcessMetrics.register(metrics);
    BuildInfo.fromManifest().register(metrics);
    try (FakeIdentityServer identity = new FakeIdentityServer(InstantSource.system(), Duration.ofHours(1));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      IdentityConfig config = new IdentityConfig(ME, identity.trustAnchors(), token, identity.address(),
          Optional.empty(), IdentityConfig.DEFAULT_MIN_REFRESH, IdentityConfig.DEFAULT_MAX_REFRESH);
      try (IdentityClient client = IdentityClient.builder(config).metrics(metrics).build();
          AdminServer admin = AdminServer.builder(new AdminConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false))
              .metrics(metrics)
              .readiness(Readiness.certified(client, InstantSource.system()))
              .build()) {
        InetSocketAddress address = admin.start();
        HttpResponse<String> before = get(http, address, "/ready");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).isEqualTo("not ready\n");
        assertThat(PrometheusText.parse(get(http, address, "/metrics").body())
            .series("identity_cert_expiration_timestamp_seconds")).isEmpty();

        client.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> get(http, address, "/ready").statusCode() == 200);
        assertThat(get(http, address, "/ready").body()).isEqualTo("ready\n");

        Credentials credentials = client.certified().get(10, TimeUnit.SECONDS);
        HttpResponse<String> scrape = get(http, address, "/metrics");
        PrometheusText text = PrometheusText.parse(scrape.body());
        assertThat(text.type("identity_cert_expiration_timestamp_seconds")).contains("gauge");
        assertThat(text.value("identity_cert_expiration_timestamp_seconds"))
            .hasValue(credentials.notAfter().getEpochSecond());
        assertThat(text.type("identity_cert_refresh_count")).contains("counter");
        assertThat(text.value("identity_cert_refresh_count")).hasValue(1);
        assertThat(text.value("identity_cert_refreshes_total", "result", "ok")).hasValue(1);
        assertThat(text.value("process_start_time_seconds")).isPresent();
        assertThat(text.series("proxy_build_info")).singleElement()
            .satisfies(s -> assertThat(s.labels()).containsKeys("date", "git_sha", "profile", "vendor", "version"));
        assertThat(get(http, address, "/live").body()).isEqualTo("live\n");
      }
    }
  }

  private static HttpResponse<String> get(HttpClient http, InetSocketAddress address, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
