package dev.lattice.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The error families as a scrape shows them, on a hand-moved clock. */
class ErrorMetricsTest {
  private static final Duration RETAIN_IDLE = Duration.ofMinutes(10);
  private static final Labels TARGET = Labels.of("target_addr", "10.0.0.1:6379", "target_ip", "10.0.0.1", "target_port", "6379");

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final MetricsRegistry registry = new MetricsRegistry();
  private final ErrorMetrics outbound = new ErrorMetrics(registry, "outbound", RETAIN_IDLE, nanos::get);
  private final ErrorMetrics inbound = new ErrorMetrics(registry, "inbound", RETAIN_IDLE, nanos::get);

  @Test
  void nothingIsShownBeforeTheFirstError() {
    assertThat(registry.render()).doesNotContain("errors_total");
  }

  @Test
  void httpErrorsAreCountedPerDirectionAndKindWithLinkerdsLabels() {
    outbound.http(ErrorMetrics.Kind.IO);
    outbound.http(ErrorMetrics.Kind.IO);
    outbound.http(ErrorMetrics.Kind.LOADSHED);
    inbound.http(ErrorMetrics.Kind.IO);

    assertThat(registry.render())
        .contains("# TYPE outbound_http_errors_total counter\n")
        .contains("outbound_http_errors_total{error=\"i/o\"} 2\n")
        .contains("outbound_http_errors_total{error=\"loadshed\"} 1\n")
        .contains("inbound_http_errors_total{error=\"i/o\"} 1\n")
        .doesNotContain("inbound_http_errors_total{error=\"loadshed\"}");
  }

  @Test
  void tcpErrorsCarryTheTargetAndGoAfterTheRetentionWithoutNewOnes() {
    inbound.tcp(TARGET, ErrorMetrics.Kind.TLS_DETECTION_TIMEOUT);
    nanos.addAndGet(RETAIN_IDLE.toNanos() - 1);
    inbound.tcp(TARGET, ErrorMetrics.Kind.TLS_DETECTION_TIMEOUT);

    String series = "inbound_tcp_errors_total{target_addr=\"10.0.0.1:6379\",target_ip=\"10.0.0.1\",target_port=\"6379\","
        + "error=\"tls detection timeout\"}";
    nanos.addAndGet(RETAIN_IDLE.toNanos() - 1);
    assertThat(registry.render()).as("the retention counts from the latest error").contains(series + " 2\n");

    nanos.addAndGet(1);
    assertThat(registry.render()).doesNotContain("inbound_tcp_errors_total");
  }

  @Test
  void httpErrorsAreKeptHoweverLongAgo() {
    outbound.http(ErrorMetrics.Kind.UNEXPECTED);
    nanos.addAndGet(RETAIN_IDLE.toNanos() * 100);

    assertThat(registry.render()).contains("outbound_http_errors_total{error=\"unexpected\"} 1\n");
  }
}
