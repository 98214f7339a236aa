package dev.lattice.proxy.control;

import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Histogram;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Locale;

/**
 * Linkerd's {@code control_request_total}, {@code control_response_total} and
 * {@code control_response_latency_ms} for the proxy's calls to its control plane, labelled with the
 * service's {@code addr} and the connection's TLS ({@code tls="disabled"}: plaintext for now).
 *
 * <p>A call counts as a request when it starts. Its latency is the time to the service's first
 * answer (response headers), so a long-lived watch (destination, policy) is not a slow response;
 * it counts as a response when it ends: {@code status_code="200"} and the gRPC status when the
 * service answered, classified {@code success} only for {@code OK}; {@code status_code=""} with the
 * gRPC status name as {@code error} when it never did (unreachable, refused) — so a control plane
 * that is down shows as responses with {@code error="unavailable"}. A call the proxy cancels
 * itself (a watch it no longer needs, shutdown) has no outcome and is not counted as a response.
 */
public final class ControlMetrics {
  private final Family<Counter> requests;
  private final Family<Counter> responses;
  private final Family<Histogram> latency;

  private ControlMetrics(MetricsRegistry registry) {
    requests = registry.counter("control_request_total", "Total count of requests to the control plane");
    responses = registry.counter("control_response_total", "Total count of responses from the control plane");
    latency = registry.histogram("control_response_latency_ms",
        "Elapsed times between a control-plane request starting and its first response headers",
        Histogram.LATENCY_MS_BUCKETS);
  }

  /** The control families of {@code registry} (registered on first use, shared by every channel). */
  public static ControlMetrics in(MetricsRegistry registry) {
    return new ControlMetrics(registry);
  }

  /** Counts the calls of a channel to the service at {@code addr}. */
  public ClientInterceptor interceptor(String addr) {
    Labels labels = Labels.of("addr", addr, "tls", "disabled");
    Counter requestTotal = requests.labels(labels);
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new CountedCall<>(next.newCall(method, options), labels, requestTotal);
      }
    };
  }

  private static boolean madeUpByTheClient(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED || code == Status.Code.DEADLINE_EXCEEDED;
  }

  private final class CountedCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final Labels labels;
    private final Counter requestTotal;
    /** The proxy ended the call itself (a watch nobody needs, shutdown): no outcome to count. */
    private volatile boolean cancelledHere;

    CountedCall(ClientCall<Q, R> call, Labels labels, Counter requestTotal) {
      super(call);
      this.labels = labels;
      this.requestTotal = requestTotal;
    }

    @Override
    public void cancel(String message, Throwable cause) {
      cancelledHere = true;
      super.cancel(message, cause);
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      long started = System.nanoTime();
      requestTotal.inc();
      super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
        private boolean answered;

        @Override
        public void onHeaders(Metadata responseHeaders) {
          answered();
          super.onHeaders(responseHeaders);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          if (cancelledHere && status.getCode() == Status.Code.CANCELLED) {
            super.onClose(status, trailers);
            return;
          }
          // A trailers-only answer (an error status straight away) is an answer too, unless the
          // status is one the client side makes up: no connection, cancelled, out of time.
          if (answered || !madeUpByTheClient(status.getCode())) {
            answered();
            responses.labels(labels.and("status_code", "200",
                "classification", status.isOk() ? "success" : "failure",
                "grpc_status", Integer.toString(status.getCode().value()),
                "error", "")).inc();
          } else {
            responses.labels(labels.and("status_code", "", "classification", "failure", "grpc_status", "",
                "error", status.getCode().name().toLowerCase(Locale.ROOT))).inc();
          }
          super.onClose(status, trailers);
        }

        private void answered() {
          if (!answered) {
            answered = true;
            latency.labels(labels.and("status_code", "200")).observe((System.nanoTime() - started) / 1_000_000.0);
          }
        }
      }, headers);
    }
  }
}
