package dev.lattice.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import io.netty.util.internal.PlatformDependent;

/**
 * The lower-case constants of header names most HTTP/1 messages carry, found whatever the case
 * they arrived in. HTTP/1 peers capitalize names ({@code Content-Type}, {@code Date}); lower-casing
 * each of those anew cost a name object and its bytes per header per message, and the constant's
 * hash is cached for every header block it goes into.
 */
final class KnownHeaderNames {
  private static final AsciiString[] NAMES = {
    HttpHeaderNames.ACCEPT, HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderNames.ACCEPT_LANGUAGE,
    HttpHeaderNames.ACCEPT_RANGES, HttpHeaderNames.AGE, HttpHeaderNames.AUTHORIZATION,
    HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.CONNECTION, HttpHeaderNames.EXPECT, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.CONTENT_ENCODING,
    HttpHeaderNames.CONTENT_LANGUAGE, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.CONTENT_TYPE,
    HttpHeaderNames.COOKIE, HttpHeaderNames.DATE, HttpHeaderNames.ETAG, HttpHeaderNames.EXPIRES,
    HttpHeaderNames.HOST, HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.IF_NONE_MATCH,
    HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.LOCATION,
    HttpHeaderNames.ORIGIN, HttpHeaderNames.PRAGMA, HttpHeaderNames.REFERER, HttpHeaderNames.SERVER,
    HttpHeaderNames.SET_COOKIE, HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING,
    HttpHeaderNames.UPGRADE, HttpHeaderNames.USER_AGENT, HttpHeaderNames.VARY, HttpHeaderNames.VIA,
    AsciiString.cached("x-forwarded-for"),
  };

  /** Open addressing over {@link AsciiString#hashCode(CharSequence)}, which ignores ASCII case. */
  private static final AsciiString[] TABLE = new AsciiString[128];
  private static final int MASK = TABLE.length - 1;

  static {
    for (AsciiString name : NAMES) {
      int i = AsciiString.hashCode(name) & MASK;
      while (TABLE[i] != null) {
        i = (i + 1) & MASK;
      }
      TABLE[i] = name;
    }
  }

  private KnownHeaderNames() {}

  /** The lower-case constant for {@code name} in any case, or {@code null} when it is not a known name. */
  static AsciiString lookup(CharSequence name) {
    for (int i = AsciiString.hashCode(name) & MASK; ; i = (i + 1) & MASK) {
      AsciiString candidate = TABLE[i];
      if (candidate == null || AsciiString.contentEqualsIgnoreCase(candidate, name)) {
        return candidate;
      }
    }
  }

  /**
   * The lower-case constant for the name in {@code bytes[start, start + length)} in any case, or
   * {@code null}: the HTTP/1 parser looks names up where they lie, before making any object.
   */
  static AsciiString lookup(byte[] bytes, int start, int length) {
    // The same case-insensitive hash AsciiString uses, so the table serves both lookups.
    for (int i = PlatformDependent.hashCodeAscii(bytes, start, length) & MASK; ; i = (i + 1) & MASK) {
      AsciiString candidate = TABLE[i];
      if (candidate == null || equalsIgnoreCase(candidate, bytes, start, length)) {
        return candidate;
      }
    }
  }

  /** Whether {@code bytes[start, start + length)} is {@code lower} (a lower-case name) in any case. */
  static boolean equalsIgnoreCase(AsciiString lower, byte[] bytes, int start, int length) {
    if (lower.length() != length) {
      return false;
    }
    byte[] a = lower.array();
    int offset = lower.arrayOffset();
    for (int i = 0; i < length; i++) {
      byte b = bytes[start + i];
      if (b >= 'A' && b <= 'Z') {
        b += 'a' - 'A';
      }
      if (a[offset + i] != b) {
        return false;
      }
    }
    return true;
  }
}
