package dev.lattice.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
  private final MetricsRegistry registry = new MetricsRegistry();

  @Test
  void rendersCountersWithHelpTypeAndLabels() {
    Family<Counter> requests = registry.counter("request_total", "Total requests");
    requests.labels("direction", "inbound", "tls", "true").add(2);
    requests.labels("direction", "inbound", "tls", "true").inc();
    requests.labels("direction", "outbound", "tls", "no_identity").inc();

    String text = registry.render();
    assertThat(text).contains("# HELP request_total Total requests\n", "# TYPE request_total counter\n",
        "request_total{direction=\"inbound\",tls=\"true\"} 3\n");
    PrometheusText parsed = PrometheusText.parse(text);
    assertThat(parsed.value("request_total", "direction", "outbound", "tls", "no_identity")).hasValue(1);
    assertThat(parsed.series("request_total")).hasSize(2);
    assertThatThrownBy(() -> requests.labels("a", "b").add(-1)).hasMessageContaining("amount: -1");
  }

  @Test
  void rendersGaugesAndComputedSeries() {
    Gauge open = registry.gauge("tcp_open_connections", "Open connections").labels("direction", "inbound");
    open.inc();
    open.inc();
    open.dec();
    registry.gauge("temperature", "Computed at scrape time", () -> 21.5);
    registry.counter("cpu_seconds_total", "A computed counter", () -> 12.0);

    PrometheusText parsed = PrometheusText.parse(registry.render());
    assertThat(parsed.value("tcp_open_connections", "direction", "inbound")).hasValue(1);
    assertThat(parsed.type("tcp_open_connections")).contains("gauge");
    assertThat(parsed.value("temperature")).hasValue(21.5);
    assertThat(parsed.value("cpu_seconds_total")).hasValue(12);
    assertThat(parsed.type("cpu_seconds_total")).contains("counter");
  }

  @Test
  void rendersHistogramsWithLinkerdLatencyBuckets() {
    Histogram latency = registry.histogram("response_latency_ms", "Response latency", Histogram.LATENCY_MS_BUCKETS)
        .labels("direction", "inbound");
    latency.observe(0.5);
    latency.observe(3);
    latency.observe(7);
    latency.observe(60_000);

    String text = registry.render();
    PrometheusText parsed = PrometheusText.parse(text);
    assertThat(parsed.type("response_latency_ms")).contains("histogram");
    List<String> bounds = parsed.series("response_latency_ms_bucket").stream().map(s -> s.labels().get("le")).toList();
    assertThat(bounds).containsExactly("1", "2", "3", "4", "5", "10", "20", "30", "40", "50", "100", "200", "300",
        "400", "500", "1000", "2000", "3000", "4000", "5000", "10000", "20000", "30000", "40000", "50000", "+Inf");
    assertThat(bucket(parsed, "1")).isEqualTo(1);
    assertThat(bucket(parsed, "2")).isEqualTo(1);
    assertThat(bucket(parsed, "3")).as("upper bounds are inclusive").isEqualTo(2);
    assertThat(bucket(parsed, "5")).isEqualTo(2);
    assertThat(bucket(parsed, "10")).isEqualTo(3);
    assertThat(bucket(parsed, "50000")).isEqualTo(3);
    assertThat(bucket(parsed, "+Inf")).isEqualTo(4);
    assertThat(parsed.value("response_latency_ms_count", "direction", "inbound")).hasValue(4);
    assertThat(parsed.value("response_latency_ms_sum", "direction", "inbound")).hasValue(60_010.5);
    // le comes after the series' own labels.
    assertThat(text).contains("response_latency_ms_bucket{direction=\"inbound\",le=\"+Inf\"} 4\n");
  }

  @Test
  void escapesLabelValues() {
    String nasty = "a\"quoted\" back\\slash\nnew line";
    registry.counter("escaped_total", "Escaping").labels("authority", nasty).inc();

    String text = registry.render();
    assertThat(text).contains("escaped_total{authority=\"a\\\"quoted\\\" back\\\\slash\\nnew line\"} 1\n");
    assertThat(PrometheusText.parse(text).value("escaped_total", "authority", nasty)).hasValue(1);
  }

  @Test
  void familiesAreRegisteredOnceAndTypesDoNotChange() {
    Family<Counter> first = registry.counter("x_total", "X");
    assertThat(registry.counter("x_total", "X")).isSameAs(first);
    assertThatThrownBy(() -> registry.gauge("x_total", "X")).hasMessageContaining("already a counter");
  }

  @Test
  void emptyFamiliesAreLeftOut() {
    registry.counter("never_used_total", "Nothing yet");
    registry.counter("used_total", "Something").labels().inc();
    String text = registry.render();
    assertThat(text).doesNotContain("never_used_total");
    assertThat(PrometheusText.parse(text).value("used_total")).hasValue(1);
  }

  @Test
  void formatsNumbersAsPrometheusReadsThem() {
    assertThat(MetricsRegistry.format(3)).isEqualTo("3");
    assertThat(MetricsRegistry.format(0.25)).isEqualTo("0.25");
    assertThat(MetricsRegistry.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(MetricsRegistry.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(MetricsRegistry.format(Double.NaN)).isEqualTo("NaN");
    assertThat(MetricsRegistry.format(1e20)).isEqualTo("1.0E20");
  }

  private static double bucket(PrometheusText parsed, String le) {
    return parsed.value("response_latency_ms_bucket", "direction", "inbound", "le", le).orElseThrow();
  }
}
