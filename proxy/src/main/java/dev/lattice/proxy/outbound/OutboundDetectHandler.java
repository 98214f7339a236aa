package dev.lattice.proxy.outbound;

import dev.lattice.proxy.detect.DetectMetrics;
import dev.lattice.proxy.detect.HttpDetection;
import dev.lattice.proxy.detect.PeekHandler;
import io.netty.buffer.ByteBuf;
import java.time.Duration;

/**
 * Outbound HTTP detection (the same one read of up to 1 KiB as everywhere), which also notes
 * whether an HTTP/1 connection's first request asks to switch protocols ({@code Upgrade:}, e.g.
 * WebSocket). The per-request relay cannot carry a protocol switch, so the stack splices such a
 * connection to an unmeshed destination as bytes instead of breaking it. Only what was peeked is
 * looked at: an {@code Upgrade} header beyond the first read goes unnoticed.
 */
final class OutboundDetectHandler extends PeekHandler<OutboundDetectHandler.Protocol> {
  /** What the first bytes say. */
  enum Protocol {
    H2,
    HTTP1,
    /** HTTP/1 whose first request carries {@code Upgrade}. */
    HTTP1_UPGRADE,
    /** Not HTTP. */
    OPAQUE,
    /** Nothing arrived before the detect timeout: opaque too, as in Linkerd. */
    TIMED_OUT
  }

  private static final int MAX_SCAN = 4096;

  private final DetectMetrics metrics;

  OutboundDetectHandler(Duration timeout, DetectMetrics metrics, Next<Protocol> next) {
    super(timeout, HttpDetection.MAX_PEEK, next);
    this.metrics = metrics;
  }

  @Override
  protected Protocol decide(ByteBuf peeked, boolean full) {
    return switch (HttpDetection.detect(peeked)) {
      case H2 -> Protocol.H2;
      case HTTP1 -> asksForUpgrade(peeked) ? Protocol.HTTP1_UPGRADE : Protocol.HTTP1;
      case NOT_HTTP -> Protocol.OPAQUE;
      case NEED_MORE -> full ? Protocol.OPAQUE : null;
    };
  }

  @Override
  protected Protocol timedOut() {
    return Protocol.TIMED_OUT;
  }

  @Override
  protected void decided(Protocol result, long elapsedNanos) {
    metrics.observe(switch (result) {
      case H2 -> DetectMetrics.Result.H2;
      case HTTP1, HTTP1_UPGRADE -> DetectMetrics.Result.HTTP1;
      case OPAQUE -> DetectMetrics.Result.NOT_HTTP;
      case TIMED_OUT -> DetectMetrics.Result.READ_TIMEOUT;
    }, elapsedNanos);
  }

  @Override
  protected void closedUndecided(long elapsedNanos) {
    metrics.observe(DetectMetrics.Result.ERROR, elapsedNanos);
  }

  /**
   * Whether the request head at the start of {@code in} has an {@code Upgrade} header line (name
   * matched case-insensitively). Never moves the reader index.
   */
  static boolean asksForUpgrade(ByteBuf in) {
    int start = in.readerIndex();
    int end = start + Math.min(in.readableBytes(), MAX_SCAN);
    int line = indexOfLf(in, start, end); // skip the request line
    while (line >= 0 && line + 1 < end) {
      int from = line + 1;
      if (in.getByte(from) == '\r' || in.getByte(from) == '\n') {
        return false; // end of the head
      }
      if (startsWithUpgrade(in, from, end)) {
        return true;
      }
      line = indexOfLf(in, from, end);
    }
    return false;
  }

  private static boolean startsWithUpgrade(ByteBuf in, int from, int end) {
    String name = "upgrade";
    if (from + name.length() >= end) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if ((in.getByte(from + i) | 0x20) != name.charAt(i)) {
        return false;
      }
    }
    int i = from + name.length();
    while (i < end && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
      i++;
    }
    return i < end && in.getByte(i) == ':';
  }

  private static int indexOfLf(ByteBuf in, int from, int end) {
    for (int i = from; i < end; i++) {
      if (in.getByte(i) == '\n') {
        return i;
      }
    }
    return -1;
  }
}
