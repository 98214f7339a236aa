package dev.lattice.proxy.http;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.timeout.TimeoutException;

/**
 * The one place proxy failures become responses (§3.7): an HTTP status with an empty body, or for
 * gRPC a trailers-only {@code 200} carrying {@code grpc-status}/{@code grpc-message}; both with
 * {@code l5d-proxy-error} when the stack says errors may explain themselves.
 */
public final class ProxyErrors {
  private ProxyErrors() {}

  /** A failure with its HTTP status and gRPC code. */
  public record Failure(HttpResponseStatus status, int grpcCode, String message) {}

  /**
   * A request answered by the proxy instead of forwarded: {@code grpc} answers in gRPC's terms
   * whatever the request looked like; {@code closeConnection} ends an HTTP/1 connection after it.
   */
  public record Refusal(Failure failure, boolean grpc, boolean closeConnection) {}

  public static Failure classify(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root && !(root instanceof ConnectTimeoutException)) {
      if (root instanceof TimeoutException) {
        break;
      }
      root = root.getCause();
    }
    if (root instanceof ConnectTimeoutException || cause instanceof ConnectTimeoutException
        || root instanceof TimeoutException || root instanceof java.util.concurrent.TimeoutException) {
      return new Failure(HttpResponseStatus.GATEWAY_TIMEOUT, 4, "connect timed out: " + oneLine(cause));
    }
    return new Failure(HttpResponseStatus.BAD_GATEWAY, 14, "endpoint unreachable: " + oneLine(cause));
  }

  /** Load shed: the side of the proxy relaying the request is at its {@link InFlightLimit}. */
  public static Failure tooManyInFlight(int max) {
    return new Failure(HttpResponseStatus.SERVICE_UNAVAILABLE, 14,
        "proxy max-concurrency exhausted: " + max + " requests in flight");
  }

  /**
   * The application asked for {@code required} ({@code l5d-require-id}) and the destination is
   * {@code found} ({@code null}: not meshed, no identity at all).
   */
  public static Failure identityRequired(CharSequence required, String found) {
    return new Failure(HttpResponseStatus.BAD_GATEWAY, 14,
        "required id " + required + "; found " + (found == null ? "none" : found));
  }

  /** A failure that happened after connecting: the upstream went away before answering. */
  public static Failure upstreamClosed() {
    return new Failure(HttpResponseStatus.BAD_GATEWAY, 14, "connection closed before response headers");
  }

  /**
   * The complete response (it ends the stream) for {@code failure}. {@code grpcMessage} adds the
   * failure's text as {@code grpc-message} to a gRPC answer.
   */
  public static Http2Headers head(Failure failure, boolean grpc, boolean explain, boolean grpcMessage) {
    Http2Headers h = HeaderFields.trusted(6);
    if (grpc) {
      h.status(HttpResponseStatus.OK.codeAsText())
          .set("content-type", "application/grpc")
          .set("grpc-status", Integer.toString(failure.grpcCode()));
      if (grpcMessage) {
        h.set("grpc-message", failure.message());
      }
    } else {
      h.status(failure.status().codeAsText());
    }
    h.set("content-length", "0");
    if (explain) {
      h.set(MeshHeaders.PROXY_ERROR, failure.message());
    }
    return h;
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return m.replace('\n', ' ').replace('\r', ' ');
  }
}
