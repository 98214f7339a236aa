package dev.lattice.proxy.detect;

import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Histogram;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * HTTP detection as Linkerd reports it (reference §2.2), per direction:
 * {@code <direction>_tcp_detect_http_results_total{result}} — {@code not_http}, {@code http/1},
 * {@code h2}, {@code read_timeout} (nothing arrived in time) or {@code error} (the client closed
 * before sending enough to tell) — and {@code <direction>_tcp_detect_http_duration_seconds}, how long
 * the decision took (buckets 1 ms and 100 ms, as Linkerd's). A server-speaks-first protocol on a
 * port that is not opaque shows up here as {@code read_timeout}s that each took the whole timeout.
 */
public final class DetectMetrics {
  /** The {@code result} label. */
  public enum Result {
    NOT_HTTP("not_http"),
    HTTP1("http/1"),
    H2("h2"),
    READ_TIMEOUT("read_timeout"),
    ERROR("error");

    private final String label;

    Result(String label) {
      this.label = label;
    }
  }

  private static final double[] DURATION_BUCKETS_SECONDS = {0.001, 0.1};

  private final Map<Result, Counter> results = new EnumMap<>(Result.class);
  private final Histogram duration;

  /** The families of {@code direction} ({@code inbound} or {@code outbound}); all five results show from the start. */
  public DetectMetrics(MetricsRegistry registry, String direction) {
    String prefix = direction + "_tcp_detect_http";
    Family<Counter> resultFamily = registry.counter(prefix + "_results_total", "Protocol detection results");
    for (Result r : Result.values()) {
      results.put(r, resultFamily.labels(Labels.of("result", r.label)));
    }
    duration = registry.histogram(prefix + "_duration_seconds", "Time taken for protocol detection",
        DURATION_BUCKETS_SECONDS).labels(Labels.EMPTY);
  }

  /** One connection's detection ended with {@code result} after {@code elapsedNanos}. */
  public void observe(Result result, long elapsedNanos) {
    results.get(result).inc();
    duration.observe(elapsedNanos / 1e9);
  }
}
