package dev.lattice.proxy.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.MetricsText;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-connection authority cache: labels, identity of resolved series, and its bounds. */
class AuthorityTargetsTest {
  private static final Duration RETAIN_IDLE = Duration.ofMinutes(10);
  private static final Labels DIRECTION = Labels.of("direction", "outbound");
  private static final Labels REST = Labels.of("target_addr", "10.0.0.1:80", "tls", "no_identity");

  private final AtomicLong nanos = new AtomicLong();
  private final MetricsRegistry registry = new MetricsRegistry();
  private final HttpMetrics metrics = new HttpMetrics(registry, RETAIN_IDLE, nanos::get);
  private final AuthorityTargets targets = new AuthorityTargets(metrics, DIRECTION, REST);

  @Test
  void labelsRequestsWithTheAuthorityRightAfterDirection() {
    targets.forAuthority("web.example:80").request();

    assertThat(registry.render()).contains(
        "request_total{direction=\"outbound\",authority=\"web.example:80\",target_addr=\"10.0.0.1:80\",tls=\"no_identity\"} 1");
  }

  @Test
  void sameAuthorityInAnyCharSequenceResolvesTheSameSeries() {
    HttpMetrics.Target first = targets.forAuthority("web.example:80");
    targets.forAuthority("other:80");

    assertThat(targets.forAuthority(new AsciiString("web.example:80"))).isSameAs(first);
    assertThat(targets.forAuthority(new StringBuilder("web.example:80"))).isSameAs(first);
  }

  @Test
  void missingEmptyOrOversizedAuthorityCountsWithoutTheLabel() {
    assertThat(targets.forAuthority(null)).isSameAs(targets.withoutAuthority());
    assertThat(targets.forAuthority("")).isSameAs(targets.withoutAuthority());
    assertThat(targets.forAuthority("a".repeat(AuthorityTargets.MAX_AUTHORITY_LENGTH + 1)))
        .isSameAs(targets.withoutAuthority());

    targets.withoutAuthority().request();
    assertThat(registry.render()).contains("request_total{direction=\"outbound\",target_addr=\"10.0.0.1:80\",tls=\"no_identity\"} 1");
  }

  @Test
  void beyondTheBoundNewAuthoritiesFallBackButKnownOnesKeepTheirSeries() {
    for (int i = 0; i < AuthorityTargets.MAX_AUTHORITIES; i++) {
      assertThat(targets.forAuthority("host" + i)).isNotSameAs(targets.withoutAuthority());
    }
    HttpMetrics.Target third = targets.forAuthority("host2");

    assertThat(targets.forAuthority("one-too-many")).isSameAs(targets.withoutAuthority());
    assertThat(targets.forAuthority("host2")).isSameAs(third);
    targets.forAuthority("one-too-many").request();
    assertThat(MetricsText.sum(registry, "request_total", Map.of("authority", "one-too-many"))).isZero();
  }

  @Test
  void beyondTheProxyWideBoundNewAuthoritiesCountWithoutTheLabel() {
    Labels direction = DIRECTION;
    Labels rest = REST;
    AuthorityTargets firstConnection = new AuthorityTargets(metrics, direction, rest);
    HttpMetrics.Target first = firstConnection.forAuthority("svc-0.example");
    for (int i = 1; i < HttpMetrics.MAX_REQUEST_LABELLED_TARGETS; i++) {
      // A client that opens a connection per request, each with a new Host.
      assertThat(new AuthorityTargets(metrics, direction, rest).forAuthority("svc-" + i + ".example"))
          .isNotSameAs(firstConnection.withoutAuthority());
    }

    AuthorityTargets late = new AuthorityTargets(metrics, direction, rest);
    assertThat(late.forAuthority("one-too-many.example")).isSameAs(late.withoutAuthority());
    assertThat(late.forAuthority("svc-0.example")).isSameAs(first);
    late.forAuthority("one-too-many.example").request();
    assertThat(MetricsText.sum(registry, "request_total", Map.of("authority", "one-too-many.example"))).isZero();
    assertThat(MetricsText.sum(registry, "request_total", Map.of("direction", "outbound"))).isEqualTo(1);
  }

  @Test
  void releasedAuthoritiesAreDroppedAfterTheRetentionAndFreeTheirPlaceInTheBound() {
    for (int i = 0; i < HttpMetrics.MAX_REQUEST_LABELLED_TARGETS; i++) {
      AuthorityTargets connection = new AuthorityTargets(metrics, DIRECTION, REST);
      connection.forAuthority("svc-" + i + ".example").request();
      connection.release();
    }
    AuthorityTargets whileRetained = new AuthorityTargets(metrics, DIRECTION, REST);
    assertThat(whileRetained.forAuthority("late.example")).isSameAs(whileRetained.withoutAuthority());
    whileRetained.release();
    assertThat(MetricsText.sum(registry, "request_total", Map.of("authority", "svc-0.example"))).isEqualTo(1);

    nanos.addAndGet(RETAIN_IDLE.toNanos());

    assertThat(registry.render()).as("the test's own connection still holds its unlabelled series")
        .doesNotContain("authority=").contains("request_total{direction=\"outbound\",target_addr=\"10.0.0.1:80\",tls=\"no_identity\"} 0");
    AuthorityTargets afterwards = new AuthorityTargets(metrics, DIRECTION, REST);
    assertThat(afterwards.forAuthority("late.example")).isNotSameAs(afterwards.withoutAuthority());
  }

  @Test
  void anOpenConnectionKeepsItsSeriesPastTheRetention() {
    targets.forAuthority("web.example:80").request();
    nanos.addAndGet(RETAIN_IDLE.toNanos() * 3);

    assertThat(MetricsText.sum(registry, "request_total", Map.of("authority", "web.example:80"))).isEqualTo(1);
    targets.forAuthority("web.example:80").request();
    assertThat(MetricsText.sum(registry, "request_total", Map.of("authority", "web.example:80"))).isEqualTo(2);
  }
}
