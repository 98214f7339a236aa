package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * HTTP/1 at the edges: converts heads between HTTP/1 messages and the HTTP/2 shape the relay
 * carries (RFC 9113 §8.2.2, §8.3.1). Connection-specific headers never cross into HTTP/2; the
 * framing headers an HTTP/1 hop needs are added by whoever writes HTTP/1.
 */
final class H1Messages {
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString TRAILERS = AsciiString.cached("trailers");

  private H1Messages() {}

  /** A request head as HTTP/2; {@code Host} becomes {@code :authority}, absolute-form is split. */
  static Http2Headers request(HttpRequest request) {
    Http2Headers h = new DefaultHttp2Headers(false, request.headers().size() + 4);
    h.method(request.method().asciiName());
    String uri = request.uri();
    String authority = request.headers().get(HttpHeaderNames.HOST);
    if (isAbsoluteForm(uri)) {
      int hostStart = uri.indexOf("://") + 3;
      int pathStart = indexOfAny(uri, hostStart);
      String hostPart = uri.substring(hostStart, pathStart < 0 ? uri.length() : pathStart);
      if (!hostPart.isEmpty()) {
        authority = hostPart;
      }
      String rest = pathStart < 0 ? "/" : uri.substring(pathStart);
      h.path(rest.startsWith("?") ? "/" + rest : rest);
      h.scheme(uri.substring(0, hostStart - 3).toLowerCase(java.util.Locale.ROOT));
    } else {
      h.path(uri.isEmpty() ? "/" : uri);
      h.scheme(HTTP);
    }
    if (authority != null) {
      h.authority(authority);
    }
    copyRegular(request.headers(), h);
    return h;
  }

  /** Whether an HTTP/1 request target is absolute-form ({@code http://host/path}). */
  static boolean isAbsoluteForm(String uri) {
    return !uri.startsWith("/") && uri.indexOf("://") > 0;
  }

  /**
   * An HTTP/2-shaped request as HTTP/1: origin-form (or absolute-form when the client sent that),
   * {@code Host} from {@code :authority}. Framing is left to {@link #frameRequest}.
   */
  static HttpRequest request(Http2Headers head, HttpVersion version, boolean absoluteForm, boolean full) {
    CharSequence path = head.path() == null ? "/" : head.path();
    CharSequence authority = head.authority();
    String uri = absoluteForm && authority != null
        ? (head.scheme() == null ? "http" : head.scheme()) + "://" + authority + path
        : path.toString();
    HttpMethod method = HttpMethod.valueOf(head.method().toString());
    HttpRequest request = full
        ? new DefaultFullHttpRequest(version, method, uri, Unpooled.EMPTY_BUFFER, false)
        : new DefaultHttpRequest(version, method, uri, false);
    HttpHeaders h = request.headers();
    if (authority != null) {
      h.set(HttpHeaderNames.HOST, authority);
    }
    copyRegular(head, h);
    return request;
  }

  /** Makes an HTTP/1 request's body framing explicit: a body of unknown length is chunked. */
  static void frameRequest(HttpRequest request, boolean hasBody) {
    HttpHeaders h = request.headers();
    if (hasBody) {
      if (!h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    } else if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    }
  }

  /** A response head as HTTP/2. */
  static Http2Headers response(HttpResponse response) {
    Http2Headers h = new DefaultHttp2Headers(false, response.headers().size() + 1);
    h.status(response.status().codeAsText());
    copyRegular(response.headers(), h);
    return h;
  }

  /** An HTTP/2-shaped response head as HTTP/1 (framing is added by the HTTP/1 server). */
  static HttpResponse response(Http2Headers head, HttpVersion version) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(parseStatus(head.status()));
    HttpResponse response = new DefaultHttpResponse(version, status, false);
    copyRegular(head, response.headers());
    return response;
  }

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
   * The last chunk of a body, without trailers. The shared empty trailer block spares a header map
   * per response; nothing writes trailers into a chunk made here (trailers get their own).
   */
  static LastHttpContent lastContent(ByteBuf data) {
    return new DefaultLastHttpContent(data, EmptyHttpHeaders.INSTANCE);
  }

  /** Trailers (or any header block without pseudo-headers) from HTTP/1 to HTTP/2. */
  static Http2Headers trailers(HttpHeaders trailers) {
    Http2Headers h = new DefaultHttp2Headers(false, trailers.size());
    copyRegular(trailers, h);
    return h;
  }

  /** Copies regular HTTP/1 headers, lower-cased, leaving out connection-specific ones. */
  private static void copyRegular(HttpHeaders from, Http2Headers to) {
    if (from.isEmpty()) {
      return;
    }
    String[] listed = connectionTokens(from.get(HttpHeaderNames.CONNECTION));
    Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      AsciiString name = lowerCase(e.getKey());
      if (isConnectionSpecific(name, e.getValue()) || name.contentEquals(HttpHeaderNames.HOST)
          || (listed != null && listedIn(listed, name))) {
        continue;
      }
      to.add(name, e.getValue());
    }
  }

  /**
   * Common names map to their constants in any case; others are copied only when they are not
   * lower case already.
   */
  private static AsciiString lowerCase(CharSequence name) {
    AsciiString known = KnownHeaderNames.lookup(name);
    if (known != null) {
      return known;
    }
    if (name instanceof AsciiString a) {
      return a.toLowerCase();
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return AsciiString.of(name).toLowerCase();
      }
    }
    return new AsciiString(name);
  }

  /**
   * The extra header names a {@code Connection} header lists, or {@code null} when it lists none
   * (the usual {@code keep-alive} or {@code close}), so that nothing is split per header.
   */
  private static String[] connectionTokens(String connection) {
    if (connection == null || connection.equalsIgnoreCase("keep-alive") || connection.equalsIgnoreCase("close")) {
      return null;
    }
    String[] tokens = connection.split(",");
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = tokens[i].trim();
    }
    return tokens;
  }

  /** Copies regular HTTP/2 headers (pseudo-headers stay behind) into an HTTP/1 header block. */
  static void copyRegular(Http2Headers from, HttpHeaders to) {
    // Values need no check for CR/LF here: every header block that reaches this came through a
    // validating HTTP/2 or HTTP/1 decoder, or was written by the proxy itself.
    for (Map.Entry<CharSequence, CharSequence> e : from) {
      CharSequence name = e.getKey();
      if (name.length() > 0 && name.charAt(0) == ':') {
        continue;
      }
      to.add(name, e.getValue());
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

  private static boolean isConnectionSpecific(AsciiString name, CharSequence value) {
    return name.contentEquals(HttpHeaderNames.CONNECTION) || name.contentEquals(HttpHeaderNames.KEEP_ALIVE)
        || name.contentEquals(HttpHeaderNames.PROXY_CONNECTION) || name.contentEquals(HttpHeaderNames.TRANSFER_ENCODING)
        || name.contentEquals(HttpHeaderNames.UPGRADE)
        || (name.contentEquals(HttpHeaderNames.TE) && !AsciiString.contentEqualsIgnoreCase(value, TRAILERS));
  }

  /** Whether {@code name} is one of the tokens of a {@code Connection} header. */
  private static boolean listedIn(String[] tokens, AsciiString name) {
    for (String token : tokens) {
      if (name.contentEqualsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static int indexOfAny(String uri, int from) {
    for (int i = from; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/' || c == '?') {
        return i;
      }
    }
    return -1;
  }
}
