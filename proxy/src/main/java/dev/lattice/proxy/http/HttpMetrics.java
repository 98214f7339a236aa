package dev.lattice.proxy.http;

import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Histogram;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.RetainedSeries;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Linkerd's legacy HTTP families: {@code request_total}, {@code response_total} and
 * {@code response_latency_ms}. A connection (or target) acquires its {@link Target} once and
 * releases it when it closes; each status seen is resolved once per target, so requests only bump
 * counters. Targets nobody has held for {@code retainIdle} are dropped with all their series.
 */
public final class HttpMetrics {
  /**
   * How many label sets may carry a value the application chooses per request (the outbound
   * {@code authority}) at once. Every such set costs about a kilobyte of series; without a bound,
   * an application sending a new {@code Host} per connection filled a 12 MB heap in 4,000 requests.
   */
  public static final int MAX_REQUEST_LABELLED_TARGETS = 256;

  private final Family<Counter> requests;
  private final Family<Counter> responses;
  private final Family<Histogram> latency;
  private final RetainedSeries<Target> targets;
  /** Kept apart so that their number alone can be bounded. */
  private final RetainedSeries<Target> requestLabelled;

  public HttpMetrics(MetricsRegistry registry, Duration retainIdle, LongSupplier nanoClock) {
    requests = registry.counter("request_total", "Total count of HTTP requests");
    responses = registry.counter("response_total", "Total count of HTTP responses");
    latency = registry.histogram("response_latency_ms",
        "Elapsed times between a request's headers being received and the first data frame of its response (or its end, without data)",
        Histogram.LATENCY_MS_BUCKETS);
    targets = registry.retained(retainIdle, nanoClock, labels -> new Target(labels, false));
    requestLabelled = registry.retained(retainIdle, nanoClock, labels -> new Target(labels, true));
  }

  /** The series for requests with {@code labels} (direction, target, TLS, dst_*…), held until {@link #release}. */
  public Target acquire(Labels labels) {
    return targets.acquire(labels);
  }

  /**
   * Like {@link #acquire} for labels that include a value taken from the request: the kept target,
   * a new one while fewer than {@link #MAX_REQUEST_LABELLED_TARGETS} are kept, else {@code null}
   * (count the request without that label; nothing to release).
   */
  public Target acquireRequestLabelled(Labels labels) {
    Target kept = requestLabelled.acquireIfKept(labels);
    if (kept != null || requestLabelled.size() >= MAX_REQUEST_LABELLED_TARGETS) {
      return kept;
    }
    return requestLabelled.acquire(labels);
  }

  /** Ends one {@link #acquire} or {@link #acquireRequestLabelled} of {@code target}. */
  public void release(Target target) {
    (target.requestLabelled ? requestLabelled : targets).release(target);
  }

  /** Request-level series for one label set, plus lazily resolved per-status children. */
  public final class Target extends RetainedSeries.Group {
    private final Labels labels;
    private final boolean requestLabelled;
    private final Counter requestTotal;
    /** By status in the high 32 bits and gRPC status (-1: none) in the low 32. */
    private final LongKeyedMap<Outcome> outcomes = new LongKeyedMap<>(key -> new Outcome((int) (key >>> 32), (int) key));
    /** By status. */
    private final LongKeyedMap<Latency> latencies = new LongKeyedMap<>(status -> new Latency((int) status));

    private Target(Labels labels, boolean requestLabelled) {
      this.labels = labels;
      this.requestLabelled = requestLabelled;
      this.requestTotal = requests.labels(labels);
    }

    public void request() {
      requestTotal.inc();
    }

    /**
     * Records a response's latency, as Linkerd measures it: from the request's head to the first
     * data of the response, or to its end when it has no data. A long stream (gRPC streaming, a
     * download) is not a slow response.
     */
    public void responseLatency(int status, long elapsedNanos) {
      latencies.get(status).histogram.observe(elapsedNanos / 1_000_000.0);
    }

    /** Records one finished response; {@code grpcStatus} is -1 when not gRPC. */
    public void response(int status, int grpcStatus) {
      outcomes.get(((long) status << 32) | (grpcStatus & 0xffffffffL)).total.inc();
    }

    @Override
    protected void forget() {
      requests.forget(labels, requestTotal);
      for (Outcome o : outcomes.values()) {
        responses.forget(o.labels, o.total);
      }
      for (Latency l : latencies.values()) {
        latency.forget(l.labels, l.histogram);
      }
    }

    private final class Outcome {
      final Labels labels;
      final Counter total;

      Outcome(int status, int grpcStatus) {
        boolean failure = status >= 500 || (grpcStatus > 0);
        this.labels = Target.this.labels.and("status_code", Integer.toString(status),
            "classification", failure ? "failure" : "success",
            "grpc_status", grpcStatus < 0 ? "" : Integer.toString(grpcStatus),
            "error", "");
        this.total = responses.labels(this.labels);
      }
    }

    private final class Latency {
      final Labels labels;
      final Histogram histogram;

      Latency(int status) {
        this.labels = Target.this.labels.and("status_code", Integer.toString(status));
        this.histogram = latency.labels(this.labels);
      }
    }
  }
}
