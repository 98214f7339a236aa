package dev.lattice.proxy.detect;

import io.netty.buffer.ByteBuf;

/**
 * Decides from a connection's first bytes whether it speaks HTTP/2 with prior knowledge, HTTP/1.x,
 * or something else. Pure; never moves the buffer's reader index.
 */
public final class HttpDetection {
  /** What the first bytes say. */
  public enum Result {
    /** Too few bytes yet, but still consistent with HTTP. */
    NEED_MORE,
    /** {@code PRI * HTTP/2.0}: the HTTP/2 connection preface. */
    H2,
    /** An HTTP/1.x request line (complete or a plausible prefix of one). */
    HTTP1,
    /** Anything else: treat the connection as opaque TCP. */
    NOT_HTTP
  }

  /** Bytes needed before deciding (Linkerd: 14, the length of {@code PRI * HTTP/2.0}). */
  static final int MIN_BYTES = 14;
  /** The most looked at; a longer request line still counts as HTTP/1 if well formed so far. */
  public static final int MAX_PEEK = 1024;

  private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] HTTP1 = "HTTP/1.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private HttpDetection() {}

  public static Result detect(ByteBuf in) {
    int start = in.readerIndex();
    int n = Math.min(in.readableBytes(), MAX_PEEK);
    if (prefixMatches(in, start, n, H2_PREFACE)) {
      return n >= MIN_BYTES ? Result.H2 : Result.NEED_MORE;
    }
    return requestLine(in, start, n);
  }

  private static boolean prefixMatches(ByteBuf in, int start, int n, byte[] expected) {
    int m = Math.min(n, expected.length);
    for (int i = 0; i < m; i++) {
      if (in.getByte(start + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code METHOD SP target SP HTTP/1.x CRLF}, accepting a prefix that could still become one. */
  private static Result requestLine(ByteBuf in, int start, int n) {
    int i = 0;
    while (i < n && isTokenChar(in.getByte(start + i))) {
      i++;
    }
    if (i == n) {
      return n < 16 ? Result.NEED_MORE : Result.NOT_HTTP;
    }
    if (i == 0 || i > 16 || in.getByte(start + i) != ' ') {
      return Result.NOT_HTTP;
    }
    i++;
    int targetStart = i;
    while (i < n && isTargetChar(in.getByte(start + i))) {
      i++;
    }
    if (i == n) {
      return needMoreOr(n);
    }
    if (i == targetStart || in.getByte(start + i) != ' ') {
      return Result.NOT_HTTP;
    }
    i++;
    for (int k = 0; k < HTTP1.length; k++, i++) {
      if (i == n) {
        return needMoreOr(n);
      }
      if (in.getByte(start + i) != HTTP1[k]) {
        return Result.NOT_HTTP;
      }
    }
    if (i == n) {
      return needMoreOr(n);
    }
    byte minor = in.getByte(start + i);
    return minor == '0' || minor == '1' ? Result.HTTP1 : Result.NOT_HTTP;
  }

  /** A plausible prefix counts as HTTP/1 once enough bytes were seen; fewer means wait. */
  private static Result needMoreOr(int n) {
    return n >= MIN_BYTES ? Result.HTTP1 : Result.NEED_MORE;
  }

  private static boolean isTokenChar(byte b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_';
  }

  private static boolean isTargetChar(byte b) {
    return b > 0x20 && b < 0x7f;
  }
}
