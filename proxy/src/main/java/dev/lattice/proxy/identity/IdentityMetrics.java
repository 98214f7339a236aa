package dev.lattice.proxy.identity;

import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Gauge;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import java.time.Instant;

/**
 * The identity client's series. Names follow Linkerd's documentation (what its dashboards query),
 * not the {@code control_identity_} prefix newer proxies use.
 */
final class IdentityMetrics {
  static final String EXPIRATION = "identity_cert_expiration_timestamp_seconds";
  static final String REFRESH_TIMESTAMP = "identity_cert_refresh_timestamp_seconds";
  static final String REFRESH_COUNT = "identity_cert_refresh_count";
  static final String REFRESHES = "identity_cert_refreshes_total";

  private final Family<Gauge> expiration;
  private final Family<Gauge> refreshTimestamp;
  private final Counter refreshCount;
  private final Counter ok;
  private final Counter error;

  IdentityMetrics(MetricsRegistry registry) {
    // The two gauges get their (only) series at the first certificate, so nothing is reported
    // before there is a certificate rather than a misleading 0.
    expiration = registry.gauge(EXPIRATION,
        "Time when this proxy's current mTLS identity certificate expires, in seconds since the Unix epoch.");
    refreshTimestamp = registry.gauge(REFRESH_TIMESTAMP,
        "Time when this proxy last obtained a certificate, in seconds since the Unix epoch.");
    refreshCount = registry.counter(REFRESH_COUNT,
        "The total number of times this proxy's mTLS identity certificate has been refreshed by the identity service.")
        .labels(Labels.EMPTY);
    Family<Counter> refreshes = registry.counter(REFRESHES,
        "Certificate refresh attempts by result (ok: installed; error: failed or refused).");
    ok = refreshes.labels("result", "ok");
    error = refreshes.labels("result", "error");
  }

  void certified(Instant notAfter, Instant now) {
    expiration.labels(Labels.EMPTY).set(notAfter.getEpochSecond());
    refreshTimestamp.labels(Labels.EMPTY).set(now.getEpochSecond());
    refreshCount.inc();
    ok.inc();
  }

  void failed() {
    error.inc();
  }
}
