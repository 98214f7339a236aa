package dev.lattice.proxy.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What one side of the proxy could not carry because of its own failure — not the application's
 * answer and not a policy denial, which have counters of their own: Linkerd's
 * {@code <direction>_http_errors_total{error}} (one per request answered with a synthesized error)
 * and {@code <direction>_tcp_errors_total{target_addr,target_ip,target_port,error}} (one per
 * connection closed for it). A series appears with its first error; a TCP series with no error
 * for the metrics retention is dropped like the other per-target series (a workload that keeps
 * failing to reach new addresses would otherwise grow them forever).
 */
public final class ErrorMetrics {
  /** The {@code error} label: Linkerd's vocabulary, so its users' queries and dashboards work. */
  public enum Kind {
    /** The application required an identity ({@code l5d-require-id}) the destination does not have. */
    IDENTITY_REQUIRED("identity required"),
    /** The side was at its in-flight limit. */
    LOADSHED("loadshed"),
    /** Connecting, the TLS handshake, or the connection failed before the answer. */
    IO("i/o"),
    /** An inbound client sent nothing from which to tell TLS from plaintext in time. */
    TLS_DETECTION_TIMEOUT("tls detection timeout"),
    /** A transport header asked the proxy to forward to its own inbound port. */
    GATEWAY_LOOP("gateway loop"),
    /** A transport header named a destination: this proxy is not a gateway. */
    GATEWAY_DOMAIN_INVALID("gateway domain invalid"),
    /** Anything else: a failed discovery lookup, an inbound connection for an address not in {@code LINKERD2_PROXY_INBOUND_IPS}. */
    UNEXPECTED("unexpected");

    private final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private final Family<Counter> http;
  private final Family<Counter> tcp;
  private final RetainedSeries<TcpSeries> tcpSeries;

  /** The counters of {@code direction} ({@code inbound} or {@code outbound}). */
  public ErrorMetrics(MetricsRegistry registry, String direction, Duration retainIdle, LongSupplier nanoClock) {
    http = registry.counter(direction + "_http_errors_total",
        "The total number of " + direction + " HTTP requests that could not be processed due to a proxy error.");
    tcp = registry.counter(direction + "_tcp_errors_total",
        "The total number of " + direction + " TCP connections that could not be processed due to a proxy error.");
    tcpSeries = registry.retained(retainIdle, nanoClock, TcpSeries::new);
  }

  /** One request answered with an error of {@code kind} instead of forwarded. */
  public void http(Kind kind) {
    http.labels("error", kind.label).inc();
  }

  /** One connection to {@code target} (its {@code target_*} labels) closed because of {@code kind}. */
  public void tcp(Labels target, Kind kind) {
    TcpSeries series = tcpSeries.acquire(target.and("error", kind.label));
    series.errors.inc();
    tcpSeries.release(series);
  }

  private final class TcpSeries extends RetainedSeries.Group {
    private final Labels labels;
    private final Counter errors;

    private TcpSeries(Labels labels) {
      this.labels = labels;
      this.errors = tcp.labels(labels);
    }

    @Override
    protected void forget() {
      tcp.forget(labels, errors);
    }
  }
}
