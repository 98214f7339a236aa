package dev.lattice.proxy.http;

import dev.lattice.api.Headers;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
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

  /** A failure that happened after connecting: the upstream went away before answering. */
  public static Failure upstreamClosed() {
    return new Failure(HttpResponseStatus.BAD_GATEWAY, 14, "connection closed before response headers");
  }

  public static FullHttpResponse response(Failure failure, boolean grpc, boolean explain, HttpVersion version) {
    FullHttpResponse response;
    if (grpc) {
      response = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
          .set("grpc-status", Integer.toString(failure.grpcCode()))
          .set("grpc-message", failure.message());
    } else {
      response = new DefaultFullHttpResponse(version, failure.status(), Unpooled.EMPTY_BUFFER);
    }
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    if (explain) {
      response.headers().set(Headers.PROXY_ERROR, failure.message());
    }
    return response;
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return m.replace('\n', ' ').replace('\r', ' ');
  }
}
