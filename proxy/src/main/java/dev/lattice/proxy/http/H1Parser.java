package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Headers.PseudoHeaderName;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.0 and HTTP/1.1 messages (RFC 9112) from a connection's bytes straight into the
 * relay's HTTP/2 shape: a request or response head becomes one {@link Http2Headers} with
 * lower-case names and without connection-specific fields, a body becomes slices of the buffers
 * it arrived in. No intermediate message objects and no {@code String}s: this runs once per
 * request on each HTTP/1 edge of the proxy.
 *
 * <p>It is strict where laxness lets two parties read one message differently (request
 * smuggling): a request with both {@code Transfer-Encoding} and {@code Content-Length}, differing
 * {@code Content-Length}s, a transfer coding other than {@code chunked}, whitespace before a
 * header's colon, obsolete line folding, control characters in a field and a chunk not followed by
 * its CRLF are refused. It is lenient where RFC 9112 allows it: bare LF line ends, empty lines
 * before a request line, chunk extensions.
 *
 * <p>One parser per connection, driven by {@link #parse} on the connection's loop. After each
 * complete message the {@link Sink} may {@link #pause()} it (an HTTP/1 server answers one request
 * at a time); the bytes of the next message then wait in the caller's buffer until
 * {@link #resume()}.
 */
final class H1Parser {
  /** The longest head (start line and fields, or trailers) read; a longer one is refused. */
  static final int MAX_HEAD_BYTES = 32 * 1024;
  private static final int MAX_CHUNK_LINE = 4 * 1024;
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString METHOD = PseudoHeaderName.METHOD.value();
  private static final AsciiString PATH = PseudoHeaderName.PATH.value();
  private static final AsciiString SCHEME = PseudoHeaderName.SCHEME.value();
  private static final AsciiString AUTHORITY = PseudoHeaderName.AUTHORITY.value();
  private static final AsciiString STATUS = PseudoHeaderName.STATUS.value();
  private static final AsciiString TRAILERS = AsciiString.cached("trailers");
  private static final AsciiString HUNDRED_CONTINUE = AsciiString.cached("100-continue");
  private static final AsciiString CHUNKED = AsciiString.cached("chunked");
  private static final AsciiString CLOSE = AsciiString.cached("close");
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  private static final AsciiString UPGRADE_TOKEN = AsciiString.cached("upgrade");
  private static final AsciiString H2C = AsciiString.cached("h2c");
  private static final AsciiString ZERO = AsciiString.cached("0");
  private static final AsciiString[] METHODS = {
    AsciiString.cached("GET"), AsciiString.cached("POST"), AsciiString.cached("PUT"), AsciiString.cached("HEAD"),
    AsciiString.cached("DELETE"), AsciiString.cached("OPTIONS"), AsciiString.cached("PATCH"),
    AsciiString.cached("CONNECT"), AsciiString.cached("TRACE"),
  };
  static final AsciiString HEAD = METHODS[3];

  /** What the parser found, in wire order. All calls on the connection's loop. */
  interface Sink {
    /** A head; {@code endOfMessage} when no body follows (a body-less request, a 204, a 1xx...). */
    void head(H1Head head, boolean endOfMessage);

    /** Body bytes, whose ownership passes on; the last call may carry an empty buffer. */
    void body(ByteBuf data, boolean endOfMessage);

    /** The trailer fields of a chunked body; they end the message. */
    void trailers(Http2Headers trailers);

    /**
     * The bytes are not an acceptable HTTP/1 message; the parser reads nothing more. {@code status}
     * is the response an HTTP/1 server should give: 400, 417, 431, 501 or 505.
     */
    void malformed(int status, String reason);
  }

  /** Which kind of message comes next. */
  enum Kind { REQUEST, RESPONSE }

  private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, FAILED }

  private final Kind kind;
  private final Sink sink;
  private final Fields fields = new Fields();
  private State state = State.HEAD;
  private long remaining;
  private boolean paused;
  private boolean responseToHead;

  H1Parser(Kind kind, Sink sink) {
    this.kind = kind;
    this.sink = sink;
  }

  /** The next response answers a HEAD request: it has no body whatever its fields say. */
  void expectResponseToHead(boolean head) {
    responseToHead = head;
  }

  /** Reads no further message until {@link #resume()}; the one in progress completes first. */
  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
  }

  boolean paused() {
    return paused;
  }

  /** Whether a message is partly read (its head is out, its end is not). */
  boolean inMessage() {
    return state != State.HEAD && state != State.FAILED;
  }

  /**
   * Consumes what it can of {@code in}: whole heads, any body bytes. It stops when {@code in} is
   * empty or ends inside a head (those bytes stay unread for the next call), when paused at a
   * message boundary, or after a malformed message.
   */
  void parse(ByteBuf in) {
    while (in.isReadable()) {
      switch (state) {
        case HEAD -> {
          if (paused || !readHead(in)) {
            return;
          }
        }
        case FIXED -> readFixed(in);
        case CHUNK_SIZE -> {
          if (!readChunkSize(in)) {
            return;
          }
        }
        case CHUNK_DATA -> readChunkData(in);
        case CHUNK_END -> {
          if (!readChunkEnd(in)) {
            return;
          }
        }
        case TRAILERS -> {
          if (!readTrailers(in)) {
            return;
          }
        }
        case UNTIL_CLOSE -> sink.body(in.readRetainedSlice(in.readableBytes()), false);
        case FAILED -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  /**
   * The connection's input ended. True when that completes the message in progress (a response
   * body delimited by the close); false when it cuts one short, or none was in progress.
   */
  boolean endOfInput() {
    if (state == State.UNTIL_CLOSE) {
      state = State.HEAD;
      sink.body(Unpooled.EMPTY_BUFFER, true);
      return true;
    }
    return false;
  }

  private boolean readHead(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    // Empty lines before a message are ignored (RFC 9112 §2.2).
    while (start < end && (in.getByte(start) == '\r' || in.getByte(start) == '\n')) {
      start++;
    }
    in.readerIndex(start);
    byte[] b = takeBlock(in, "message head");
    if (b == null) {
      return false;
    }
    boolean read = kind == Kind.REQUEST ? request(b, b.length) : response(b, b.length);
    fields.clear();
    return read;
  }

  /**
   * Takes a block of lines ending at an empty line (a head, or trailers) from the reader index:
   * copies it into a new array of its size and consumes it; null when it is not all here yet (or
   * was refused as too long: the parser has failed then). The head's values are views of that one
   * array, so a head costs one copy, not one per field.
   */
  private byte[] takeBlock(ByteBuf in, String what) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int blockEnd = findHeadEnd(in, start, end);
    int length = blockEnd - start;
    if (blockEnd < 0 ? end - start > MAX_HEAD_BYTES : length > MAX_HEAD_BYTES) {
      fail(431, what + " longer than " + MAX_HEAD_BYTES + " bytes");
      return null;
    }
    if (blockEnd < 0) {
      return null;
    }
    byte[] block = new byte[length];
    in.readBytes(block);
    return block;
  }

  /** The index just past the empty line that ends a head starting at {@code start}, or -1. */
  private static int findHeadEnd(ByteBuf in, int start, int end) {
    int lineStart = start;
    while (true) {
      int lf = in.indexOf(lineStart, end, (byte) '\n');
      if (lf < 0) {
        return -1;
      }
      int lineLength = lf - lineStart;
      if (lineStart > start && (lineLength == 0 || lineLength == 1 && in.getByte(lineStart) == '\r')) {
        return lf + 1;
      }
      lineStart = lf + 1;
      if (lineStart - start > MAX_HEAD_BYTES) {
        return lineStart; // too long: the caller refuses it
      }
    }
  }

  // ---- request and response heads ----

  private boolean request(byte[] b, int n) {
    int lineEnd = lineEnd(b, 0, n);
    int sp1 = indexOf(b, 0, lineEnd, (byte) ' ');
    if (sp1 <= 0 || !isToken(b, 0, sp1)) {
      return fail(400, "malformed request line: no method");
    }
    int sp2 = indexOf(b, sp1 + 1, lineEnd, (byte) ' ');
    if (sp2 < 0 || sp2 == sp1 + 1 || !isTarget(b, sp1 + 1, sp2)) {
      return fail(400, "malformed request line: bad or missing target");
    }
    int version = version(b, sp2 + 1, lineEnd);
    if (version < 0) {
      return fail(version == -2 ? 505 : 400, "malformed request line: HTTP/1.0 or HTTP/1.1 expected");
    }
    Fields f = fields.reset(true);
    if (!fields(b, next(b, lineEnd, n), n, f)) {
      return false;
    }
    boolean http10 = version == 10;
    Http2Headers h = f.headers;
    // The head has no pseudo-header fields yet (':' is not a token character, so no field line
    // made one): they are added, not set, which spares a search for each.
    h.add(METHOD, method(b, 0, sp1));
    boolean absolute = false;
    if (b[sp1 + 1] == '/') {
      h.add(PATH, new AsciiString(b, sp1 + 1, sp2 - sp1 - 1, false));
      h.add(SCHEME, HTTP);
    } else {
      String target = new String(b, sp1 + 1, sp2 - sp1 - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
      absolute = absoluteForm(target, h, f);
      if (!absolute) {
        h.add(PATH, target); // "*" or an authority (CONNECT)
        h.add(SCHEME, HTTP);
      }
    }
    if (f.host != null && h.authority() == null) {
      h.add(AUTHORITY, f.host);
    }
    if (f.expect != null && !http10) {
      if (!HUNDRED_CONTINUE.contentEqualsIgnoreCase(f.expect)) {
        return fail(417, "unsupported expectation: " + f.expect);
      }
    }
    boolean bodyless;
    if (f.transferEncoding != null) {
      if (f.contentLength >= 0) {
        return fail(400, "both Transfer-Encoding and Content-Length");
      }
      if (!CHUNKED.contentEqualsIgnoreCase(f.transferEncoding)) {
        return fail(501, "transfer coding not supported: " + f.transferEncoding);
      }
      state = State.CHUNK_SIZE;
      bodyless = false;
    } else if (f.contentLength > 0) {
      state = State.FIXED;
      remaining = f.contentLength;
      bodyless = false;
    } else {
      bodyless = true;
    }
    boolean keepAlive = keepAlive(http10, f);
    boolean expectContinue = f.expect != null && !http10 && !bodyless;
    // HTTP/1.0 has no Upgrade (RFC 9110 §7.8); a switch needs both fields. Never to h2c: the
    // tunnel would carry HTTP/2 requests that no policy sees one by one (RFC 9113 deprecates it).
    // Such a request goes on as a plain HTTP/1 request.
    AsciiString upgrade = f.upgradeToken && !http10 && !listsH2c(f.upgrade) ? f.upgrade : null;
    sink.head(new H1Head(h, http10, 0, keepAlive, absolute, expectContinue, upgrade), bodyless);
    return true;
  }

  /** Splits an absolute-form target into the head's scheme, authority and path; false if it is not one. */
  private static boolean absoluteForm(String target, Http2Headers h, Fields f) {
    int sep = target.indexOf("://");
    if (sep <= 0) {
      return false;
    }
    int hostStart = sep + 3;
    int pathStart = hostStart;
    while (pathStart < target.length() && target.charAt(pathStart) != '/' && target.charAt(pathStart) != '?') {
      pathStart++;
    }
    String host = target.substring(hostStart, pathStart);
    if (!host.isEmpty()) {
      h.add(AUTHORITY, host); // the target's authority wins over Host (RFC 9112 §3.2.2)
    }
    String rest = target.substring(pathStart);
    h.add(PATH, rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest);
    h.add(SCHEME, target.substring(0, sep).toLowerCase(Locale.ROOT));
    return true;
  }

  private boolean response(byte[] b, int n) {
    int lineEnd = lineEnd(b, 0, n);
    int sp1 = indexOf(b, 0, lineEnd, (byte) ' ');
    int version = sp1 < 0 ? -1 : version(b, 0, sp1);
    if (version < 0 || lineEnd - sp1 - 1 < 3) {
      return fail(400, "malformed status line");
    }
    int status = 0;
    for (int i = sp1 + 1; i < sp1 + 4; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return fail(400, "malformed status line: bad status code");
      }
      status = status * 10 + b[i] - '0';
    }
    if (status < 100 || sp1 + 4 < lineEnd && b[sp1 + 4] != ' ') {
      return fail(400, "malformed status line: bad status code");
    }
    Fields f = fields.reset(false);
    if (!fields(b, next(b, lineEnd, n), n, f)) {
      return false;
    }
    boolean http10 = version == 10;
    Http2Headers h = f.headers;
    h.add(STATUS, HttpResponseStatus.valueOf(status).codeAsText()); // a constant for the known codes
    boolean keepAlive = keepAlive(http10, f) && status != 101;
    boolean bodyless;
    if (status < 200 || status == 204 || status == 304 || responseToHead) {
      bodyless = true;
    } else if (f.transferEncoding != null) {
      // Transfer-Encoding overrides Content-Length in a response (RFC 9112 §6.3).
      h.remove(HttpHeaderNames.CONTENT_LENGTH);
      if (endsWithChunked(f.transferEncoding)) {
        state = State.CHUNK_SIZE;
      } else {
        state = State.UNTIL_CLOSE;
        keepAlive = false;
      }
      bodyless = false;
    } else if (f.contentLength > 0) {
      state = State.FIXED;
      remaining = f.contentLength;
      bodyless = false;
    } else if (f.contentLength == 0) {
      bodyless = true;
    } else {
      state = State.UNTIL_CLOSE;
      keepAlive = false;
      bodyless = false;
    }
    sink.head(new H1Head(h, http10, status, keepAlive, false, false, status == 101 ? f.upgrade : null), bodyless);
    return true;
  }

  /**
   * Whether the sender lets the connection carry another message. Never after an HTTP/1.0 message
   * with Transfer-Encoding (RFC 9112 §6.1): an HTTP/1.0 hop on the way may not have read it as
   * chunked, so where the next message starts is in doubt.
   */
  private static boolean keepAlive(boolean http10, Fields f) {
    if (http10) {
      return f.keepAliveToken && !f.closeToken && f.transferEncoding == null;
    }
    return !f.closeToken;
  }

  /**
   * What the fields of one head said, beside the headers that go on. One per parser, reset for
   * each head: a parse allocates only what leaves it.
   */
  private static final class Fields {
    boolean request;
    Http2Headers headers;
    long contentLength;
    AsciiString transferEncoding;
    AsciiString host;
    AsciiString expect;
    boolean closeToken;
    boolean keepAliveToken;
    /** The Upgrade field's value, and whether Connection lists {@code upgrade} (both needed). */
    AsciiString upgrade;
    boolean upgradeToken;
    List<AsciiString> listed;
    /** Reads one Connection token into these fields; made once per parser, not per head. */
    final ElementTest connectionToken = (a, start, end) -> {
      if (KnownHeaderNames.equalsIgnoreCase(CLOSE, a, start, end - start)) {
        closeToken = true;
      } else if (KnownHeaderNames.equalsIgnoreCase(KEEP_ALIVE, a, start, end - start)) {
        keepAliveToken = true;
      } else if (KnownHeaderNames.equalsIgnoreCase(UPGRADE_TOKEN, a, start, end - start)) {
        upgradeToken = true;
      } else {
        // Connection names fields meant for this hop only (RFC 9110 §7.6.1): they go no further.
        if (listed == null) {
          listed = new ArrayList<>(2);
        }
        listed.add(lowerCase(a, start, end));
      }
      return false;
    };

    Fields reset(boolean request) {
      this.request = request;
      headers = HeaderFields.trusted(8);
      contentLength = -1;
      transferEncoding = null;
      host = null;
      expect = null;
      closeToken = false;
      keepAliveToken = false;
      upgrade = null;
      upgradeToken = false;
      listed = null;
      return this;
    }

    /** Lets go of what the last head held: an idle connection keeps nothing of its last message. */
    void clear() {
      headers = null;
      transferEncoding = null;
      host = null;
      expect = null;
      upgrade = null;
      listed = null;
    }
  }

  /**
   * Reads the field lines in {@code b[from, n)}, up to the empty line; false after a failure. One
   * pass over each line: the name is checked as a token up to its colon, the value for control
   * characters up to its line end.
   */
  private boolean fields(byte[] b, int from, int n, Fields f) {
    int ls = from;
    while (ls < n) {
      byte first = b[ls];
      if (first == '\n' || first == '\r' && ls + 1 < n && b[ls + 1] == '\n') {
        break; // the empty line
      }
      if (first == ' ' || first == '\t') {
        return fail(400, "obsolete line folding in a header field");
      }
      int colon = ls;
      int c;
      while (colon < n && (c = b[colon] & 0xff) != ':') {
        if (c >= 128 || !TCHAR[c]) {
          return fail(400, "malformed header field name"); // also: no colon before the line ends
        }
        colon++;
      }
      if (colon == ls || colon == n) {
        return fail(400, "malformed header field name");
      }
      int lf = colon + 1;
      int ve = -1;
      while (lf < n && (c = b[lf] & 0xff) != '\n') {
        if (c == '\r' && lf + 1 < n && b[lf + 1] == '\n') {
          ve = lf; // CRLF
        } else if (c < ' ' && c != '\t' || c == 0x7f) {
          return fail(400, "control character in header field value");
        }
        lf++;
      }
      if (ve < 0) {
        ve = lf; // bare LF (or, impossible in a taken block, the end)
      }
      int vs = colon + 1;
      while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
        vs++;
      }
      while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
        ve--;
      }
      if (!field(b, ls, colon, vs, ve, f)) {
        return false;
      }
      ls = lf + 1;
    }
    if (f.listed != null) {
      for (AsciiString name : f.listed) {
        f.headers.remove(name);
      }
    }
    return true;
  }

  /** One field: the connection's own are read and dropped, the rest go into the head. */
  private boolean field(byte[] b, int ns, int ne, int vs, int ve, Fields f) {
    AsciiString name = KnownHeaderNames.lookup(b, ns, ne - ns);
    if (name == null) {
      f.headers.add(lowerCase(b, ns, ne), new AsciiString(b, vs, ve - vs, false));
      return true;
    }
    if (name == HttpHeaderNames.CONTENT_LENGTH) {
      long length = contentLength(b, vs, ve);
      if (length < 0 || f.contentLength >= 0 && f.contentLength != length) {
        return fail(400, "invalid or conflicting Content-Length");
      }
      if (f.contentLength < 0) {
        f.contentLength = length;
        // One value whatever the wire said ("5, 5" is allowed there, not in HTTP/2).
        f.headers.add(name, length == 0 ? ZERO : isDigits(b, vs, ve) ? new AsciiString(b, vs, ve - vs, false)
            : new AsciiString(Long.toString(length)));
      }
    } else if (name == HttpHeaderNames.TRANSFER_ENCODING) {
      AsciiString value = new AsciiString(b, vs, ve - vs, false);
      f.transferEncoding = f.transferEncoding == null ? value : new AsciiString(f.transferEncoding + ", " + value);
    } else if (name == HttpHeaderNames.CONNECTION) {
      anyElement(b, vs, ve, f.connectionToken);
    } else if (name == HttpHeaderNames.HOST && f.request) {
      if (f.host != null) {
        return fail(400, "more than one Host field");
      }
      f.host = new AsciiString(b, vs, ve - vs, false);
    } else if (name == HttpHeaderNames.EXPECT && f.request) {
      f.expect = new AsciiString(b, vs, ve - vs, false);
    } else if (name == HttpHeaderNames.TE) {
      if (listsTrailers(b, vs, ve) && !f.headers.contains(name)) {
        f.headers.add(name, TRAILERS); // the only TE an HTTP/2 message may carry (RFC 9113 §8.2.2)
      }
    } else if (name == HttpHeaderNames.UPGRADE) {
      // Hop-by-hop: not a header that goes on, but the head says what it asked for (H1Head.upgrade).
      f.upgrade = new AsciiString(b, vs, ve - vs, false);
    } else if (name != HttpHeaderNames.KEEP_ALIVE && name != HttpHeaderNames.PROXY_CONNECTION) {
      f.headers.add(name, new AsciiString(b, vs, ve - vs, false));
    }
    return true;
  }

  /** Whether an Upgrade value lists {@code h2c} among its protocols. */
  private static boolean listsH2c(AsciiString upgrade) {
    return upgrade != null && anyElement(upgrade.array(), upgrade.arrayOffset(), upgrade.arrayOffset() + upgrade.length(),
        (a, start, end) -> KnownHeaderNames.equalsIgnoreCase(H2C, a, start, end - start));
  }

  /** Whether a TE value lists {@code trailers} among its codings ({@code trailers, deflate;q=0.5}). */
  private static boolean listsTrailers(byte[] b, int vs, int ve) {
    return anyElement(b, vs, ve, (a, start, end) -> KnownHeaderNames.equalsIgnoreCase(TRAILERS, a, start, end - start));
  }

  /** One element of a comma-separated field value: {@code bytes[start, end)}. */
  @FunctionalInterface
  private interface ElementTest {
    boolean test(byte[] bytes, int start, int end);
  }

  /**
   * Whether {@code test} holds for an element of the list in {@code b[vs, ve)} (RFC 9110 §5.6.1:
   * elements trimmed of whitespace, empty ones skipped); it sees each element until one passes.
   */
  private static boolean anyElement(byte[] b, int vs, int ve, ElementTest test) {
    int i = vs;
    while (i < ve) {
      int end = indexOf(b, i, ve, (byte) ',');
      if (end < 0) {
        end = ve;
      }
      int ts = i;
      int te = end;
      while (ts < te && (b[ts] == ' ' || b[ts] == '\t')) {
        ts++;
      }
      while (te > ts && (b[te - 1] == ' ' || b[te - 1] == '\t')) {
        te--;
      }
      if (te > ts && test.test(b, ts, te)) {
        return true;
      }
      i = end + 1;
    }
    return false;
  }

  /** A Content-Length value: digits, or a list of equal values; -1 if it is neither. */
  private static long contentLength(byte[] b, int vs, int ve) {
    long value = -1;
    long current = -1;
    for (int i = vs; i <= ve; i++) {
      byte c = i < ve ? b[i] : (byte) ',';
      if (c >= '0' && c <= '9') {
        if (current > (Long.MAX_VALUE - 9) / 10) {
          return -1;
        }
        current = (current < 0 ? 0 : current * 10) + c - '0';
      } else if (c == ',') {
        if (current < 0 || value >= 0 && value != current) {
          return -1;
        }
        value = current;
        current = -1;
        while (i + 1 < ve && (b[i + 1] == ' ' || b[i + 1] == '\t')) {
          i++;
        }
      } else {
        return -1;
      }
    }
    return value;
  }

  private static boolean isDigits(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWithChunked(AsciiString transferEncoding) {
    AsciiString t = transferEncoding.trim();
    int comma = t.lastIndexOf(",");
    AsciiString last = comma < 0 ? t : t.subSequence(comma + 1, t.length(), false).trim();
    return CHUNKED.contentEqualsIgnoreCase(last);
  }

  private static AsciiString method(byte[] b, int start, int end) {
    for (AsciiString m : METHODS) {
      if (m.length() == end - start && equals(m, b, start)) {
        return m;
      }
    }
    return new AsciiString(b, start, end - start, false);
  }

  private static boolean equals(AsciiString s, byte[] b, int start) {
    byte[] a = s.array();
    int offset = s.arrayOffset();
    for (int i = 0; i < s.length(); i++) {
      if (a[offset + i] != b[start + i]) {
        return false;
      }
    }
    return true;
  }

  private static AsciiString lowerCase(byte[] b, int start, int end) {
    byte[] lower = new byte[end - start];
    for (int i = start; i < end; i++) {
      byte c = b[i];
      lower[i - start] = c >= 'A' && c <= 'Z' ? (byte) (c + ('a' - 'A')) : c;
    }
    return new AsciiString(lower, false);
  }

  /** 11 or 10 for "HTTP/1.1" or "HTTP/1.0"; -2 for another "HTTP/" version, -1 for anything else. */
  private static int version(byte[] b, int start, int end) {
    if (end - start != 8 || b[start] != 'H' || b[start + 1] != 'T' || b[start + 2] != 'T' || b[start + 3] != 'P'
        || b[start + 4] != '/' || b[start + 6] != '.') {
      return -1;
    }
    byte major = b[start + 5];
    byte minor = b[start + 7];
    if (major == '1' && (minor == '1' || minor == '0')) {
      return minor == '1' ? 11 : 10;
    }
    return major >= '0' && major <= '9' && minor >= '0' && minor <= '9' ? -2 : -1;
  }

  // ---- bodies ----

  private void readFixed(ByteBuf in) {
    int n = (int) Math.min(in.readableBytes(), remaining);
    remaining -= n;
    boolean last = remaining == 0;
    if (last) {
      state = State.HEAD;
    }
    sink.body(in.readRetainedSlice(n), last);
  }

  private boolean readChunkSize(ByteBuf in) {
    int start = in.readerIndex();
    int limit = Math.min(in.writerIndex(), start + MAX_CHUNK_LINE);
    int lf = in.indexOf(start, limit, (byte) '\n');
    if (lf < 0) {
      if (limit - start >= MAX_CHUNK_LINE) {
        fail(400, "chunk size line too long");
      }
      return false;
    }
    long size = 0;
    int i = start;
    for (; i < lf; i++) {
      int digit = Character.digit(in.getByte(i), 16);
      if (digit < 0) {
        break;
      }
      if (size > (Long.MAX_VALUE >> 4)) {
        return fail(400, "chunk size too large");
      }
      size = size << 4 | digit;
    }
    if (i == start) {
      return fail(400, "malformed chunk size");
    }
    while (i < lf && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
      i++;
    }
    byte c = in.getByte(i);
    if (c == ';') {
      // A chunk extension: nothing here understands one, so it is skipped (RFC 9112 §7.1.1).
      for (int j = i + 1; j < lf - 1; j++) {
        if (in.getByte(j) == '\r') {
          return fail(400, "bare CR in a chunk extension");
        }
      }
    } else if (!(i == lf || i == lf - 1 && c == '\r')) {
      return fail(400, "malformed chunk size");
    }
    in.readerIndex(lf + 1);
    if (size == 0) {
      state = State.TRAILERS;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
    return true;
  }

  private void readChunkData(ByteBuf in) {
    int n = (int) Math.min(in.readableBytes(), remaining);
    remaining -= n;
    if (remaining == 0) {
      state = State.CHUNK_END;
    }
    sink.body(in.readRetainedSlice(n), false);
  }

  private boolean readChunkEnd(ByteBuf in) {
    int i = in.readerIndex();
    byte c = in.getByte(i);
    if (c == '\n') {
      in.readerIndex(i + 1);
    } else if (c == '\r') {
      if (in.readableBytes() < 2) {
        return false;
      }
      if (in.getByte(i + 1) != '\n') {
        return fail(400, "chunk data not followed by CRLF");
      }
      in.readerIndex(i + 2);
    } else {
      return fail(400, "chunk data not followed by CRLF");
    }
    state = State.CHUNK_SIZE;
    return true;
  }

  private boolean readTrailers(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    byte first = in.getByte(start);
    if (first == '\n' || first == '\r' && end - start >= 2 && in.getByte(start + 1) == '\n') {
      in.readerIndex(start + (first == '\n' ? 1 : 2)); // no trailers: the usual case
      state = State.HEAD;
      sink.body(Unpooled.EMPTY_BUFFER, true);
      return true;
    }
    if (first == '\r' && end - start < 2) {
      return false;
    }
    // Trailer lines end like a head: at an empty line (the first line is a field, not a start line).
    byte[] b = takeBlock(in, "trailers");
    if (b == null) {
      return false;
    }
    Fields f = fields.reset(false);
    if (!fields(b, 0, b.length, f)) {
      fields.clear();
      return false;
    }
    // Framing and routing fields have no meaning in trailers (RFC 9110 §6.5.1).
    Http2Headers t = f.headers;
    fields.clear();
    t.remove(HttpHeaderNames.CONTENT_LENGTH);
    t.remove(HttpHeaderNames.HOST);
    t.remove(HttpHeaderNames.TRAILER);
    t.remove(HttpHeaderNames.TE);
    state = State.HEAD;
    if (t.isEmpty()) {
      sink.body(Unpooled.EMPTY_BUFFER, true);
    } else {
      sink.trailers(t);
    }
    return true;
  }

  private boolean fail(int status, String reason) {
    state = State.FAILED;
    sink.malformed(status, reason);
    return false;
  }

  // ---- bytes ----

  /** The end of the line starting at {@code from}, before its CRLF or LF. */
  private static int lineEnd(byte[] b, int from, int n) {
    int lf = indexOf(b, from, n, (byte) '\n');
    if (lf < 0) {
      lf = n;
    }
    return lf > from && b[lf - 1] == '\r' ? lf - 1 : lf;
  }

  /** The start of the line after the one ending (before its CRLF or LF) at {@code lineEnd}. */
  private static int next(byte[] b, int lineEnd, int n) {
    int i = lineEnd;
    if (i < n && b[i] == '\r') {
      i++;
    }
    return i + 1;
  }

  private static int indexOf(byte[] b, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** tchar (RFC 9110 §5.6.2). */
  private static boolean isToken(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xff;
      if (c >= 128 || !TCHAR[c]) {
        return false;
      }
    }
    return true;
  }

  /** A request target: visible ASCII or obs-text, no whitespace or controls. */
  private static boolean isTarget(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xff;
      if (c <= ' ' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }
}
