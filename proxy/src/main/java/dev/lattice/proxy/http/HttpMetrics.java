package dev.lattice.proxy.http;

import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Histogram;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Linkerd's legacy HTTP families: {@code request_total}, {@code response_total} and
 * {@code response_latency_ms}. A connection (or target) resolves its {@link Target} once; each
 * status seen is resolved once per target, so requests only bump counters.
 */
public final class HttpMetrics {
  /**
   * How many label sets may carry a value the application chooses per request (the outbound
   * {@code authority}). Every such set costs about a kilobyte of series; without a bound, an
   * application sending a new {@code Host} per connection filled a 12 MB heap in 4,000 requests.
   */
  public static final int MAX_REQUEST_LABELLED_TARGETS = 256;

  private final Family<Counter> requests;
  private final Family<Counter> responses;
  private final Family<Histogram> latency;
  private final Map<Labels, Target> targets = new ConcurrentHashMap<>();
  private final AtomicInteger requestLabelled = new AtomicInteger();

  public HttpMetrics(MetricsRegistry registry) {
    requests = registry.counter("request_total", "Total count of HTTP requests");
    responses = registry.counter("response_total", "Total count of HTTP responses");
    latency = registry.histogram("response_latency_ms", "Elapsed times between a request's headers being received and its response stream completing",
        Histogram.LATENCY_MS_BUCKETS);
  }

  /** The series for requests with {@code labels} (direction, target, TLS, dst_*…). */
  public Target target(Labels labels) {
    Target t = targets.get(labels);
    return t != null ? t : targets.computeIfAbsent(labels, Target::new);
  }

  /**
   * Like {@link #target(Labels)} for labels that include a value taken from the request: the
   * existing target, a new one while fewer than {@link #MAX_REQUEST_LABELLED_TARGETS} were made
   * this way, else {@code null} (count the request without that label).
   */
  public Target requestLabelledTarget(Labels labels) {
    Target t = targets.get(labels);
    if (t != null || requestLabelled.get() >= MAX_REQUEST_LABELLED_TARGETS) {
      return t;
    }
    return targets.computeIfAbsent(labels, l -> {
      requestLabelled.incrementAndGet();
      return new Target(l);
    });
  }

  /** Request-level series for one label set, plus lazily resolved per-status children. */
  public final class Target {
    private final Labels labels;
    private final Counter requestTotal;
    /** By status in the high 32 bits and gRPC status (-1: none) in the low 32. */
    private final LongKeyedMap<Outcome> outcomes = new LongKeyedMap<>(key -> new Outcome((int) (key >>> 32), (int) key));

    private Target(Labels labels) {
      this.labels = labels;
      this.requestTotal = requests.labels(labels);
    }

    public void request() {
      requestTotal.inc();
    }

    /** Records one finished response; {@code grpcStatus} is -1 when not gRPC. */
    public void response(int status, int grpcStatus, long elapsedNanos) {
      long key = ((long) status << 32) | (grpcStatus & 0xffffffffL);
      Outcome o = outcomes.get(key);
      o.total.inc();
      o.latency.observe(elapsedNanos / 1_000_000.0);
    }

    private final class Outcome {
      final Counter total;
      final Histogram latency;

      Outcome(int status, int grpcStatus) {
        boolean failure = status >= 500 || (grpcStatus > 0);
        Labels withStatus = labels.and("status_code", Integer.toString(status));
        this.latency = HttpMetrics.this.latency.labels(withStatus);
        this.total = responses.labels(withStatus.and(
            "classification", failure ? "failure" : "success",
            "grpc_status", grpcStatus < 0 ? "" : Integer.toString(grpcStatus),
            "error", ""));
      }
    }
  }
}
