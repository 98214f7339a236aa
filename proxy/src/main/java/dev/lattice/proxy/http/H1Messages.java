package dev.lattice.proxy.http;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * What the relay asks of a head that crosses between HTTP/2 and HTTP/1 (RFC 9113 §8.3.1): its
 * status as a number, and whether its request target fits an HTTP/1 request line. The conversion
 * itself is {@link H1Parser}'s and {@link H1Writer}'s.
 */
final class H1Messages {
  private H1Messages() {}

  static int parseStatus(CharSequence status) {
    if (status == null) {
      return 502;
    }
    try {
      return AsciiString.of(status).parseInt();
    } catch (NumberFormatException e) {
      return 502;
    }
  }

  /**
   * Whether an HTTP/2-shaped request can become an HTTP/1 request line and Host header as it is:
   * method, path and authority without whitespace or control characters (HPACK would carry them;
   * an HTTP/1 wire would read them as the end of the line).
   */
  static boolean safeRequestTarget(Http2Headers head) {
    return token(head.method()) && token(head.path()) && (head.authority() == null || token(head.authority()));
  }

  private static boolean token(CharSequence s) {
    if (s == null || s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
