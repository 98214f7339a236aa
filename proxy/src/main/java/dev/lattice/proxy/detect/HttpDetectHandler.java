package dev.lattice.proxy.detect;

import io.netty.buffer.ByteBuf;
import java.time.Duration;

/**
 * Peeks for HTTP: the HTTP/2 preface or an HTTP/1 request line. A timeout is an outcome of its own;
 * the stack decides what it means (opaque on both sides, as Linkerd does).
 */
public final class HttpDetectHandler extends PeekHandler<HttpDetectHandler.Outcome> {
  /** The detector's verdict. */
  public enum Outcome {
    H2,
    HTTP1,
    NOT_HTTP,
    READ_TIMEOUT
  }

  private final DetectMetrics metrics;

  public HttpDetectHandler(Duration timeout, DetectMetrics metrics, Next<Outcome> next) {
    super(timeout, HttpDetection.MAX_PEEK, next);
    this.metrics = metrics;
  }

  @Override
  protected Outcome decide(ByteBuf peeked, boolean full) {
    return switch (HttpDetection.detect(peeked)) {
      case H2 -> Outcome.H2;
      case HTTP1 -> Outcome.HTTP1;
      case NOT_HTTP -> Outcome.NOT_HTTP;
      case NEED_MORE -> full ? Outcome.NOT_HTTP : null;
    };
  }

  @Override
  protected Outcome timedOut() {
    return Outcome.READ_TIMEOUT;
  }

  @Override
  protected void decided(Outcome result, long elapsedNanos) {
    metrics.observe(switch (result) {
      case H2 -> DetectMetrics.Result.H2;
      case HTTP1 -> DetectMetrics.Result.HTTP1;
      case NOT_HTTP -> DetectMetrics.Result.NOT_HTTP;
      case READ_TIMEOUT -> DetectMetrics.Result.READ_TIMEOUT;
    }, elapsedNanos);
  }

  @Override
  protected void closedUndecided(long elapsedNanos) {
    metrics.observe(DetectMetrics.Result.ERROR, elapsedNanos);
  }
}
