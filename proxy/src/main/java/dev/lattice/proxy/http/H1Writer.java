package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes HTTP/1.1 (or 1.0) heads and chunk framing straight from the relay's HTTP/2-shaped
 * headers into one buffer, the counterpart of {@link H1Parser}. Field names go out lower-case as
 * HTTP/2 carries them (HTTP/1 names are case-insensitive).
 *
 * <p>Values need no check for CR or LF here: every header block that reaches this came through
 * {@link H1Parser} or Netty's validating HTTP/2 decoder, or was written by the proxy itself.
 */
final class H1Writer {
  /** Bodies up to this size are copied behind their head or chunk line: one buffer to write, not two. */
  static final int COPY_THRESHOLD = 1024;
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] COLON_SP = {':', ' '};
  private static final byte[] HTTP_1_1 = ascii(" HTTP/1.1\r\n");
  private static final byte[] HTTP_1_0 = ascii(" HTTP/1.0\r\n");
  private static final byte[] LAST_CHUNK = ascii("0\r\n");
  private static final byte[][] STATUS_LINES_11 = new byte[1000][];
  private static final byte[][] STATUS_LINES_10 = new byte[1000][];
  private static final byte[] HEX = ascii("0123456789abcdef");

  private H1Writer() {}

  /**
   * A buffer with room, usually, for a head with the fields of {@code headers} and {@code extra}
   * more bytes. Sized from the field count rather than measured: measuring meant a second pass
   * over every head written; a long one just grows the buffer.
   */
  static ByteBuf buffer(ByteBufAllocator alloc, Http2Headers headers, int extra) {
    return alloc.buffer(64 + extra + 40 * headers.size());
  }

  /** About the bytes the fields of {@code headers} take as HTTP/1 lines. */
  static int size(Http2Headers headers) {
    int size = 0;
    for (Map.Entry<CharSequence, CharSequence> e : headers) {
      size += e.getKey().length() + e.getValue().length() + 4;
    }
    return size;
  }

  static void statusLine(ByteBuf out, boolean http10, int status) {
    byte[][] lines = http10 ? STATUS_LINES_10 : STATUS_LINES_11;
    byte[] line = status > 0 && status < lines.length ? lines[status] : null;
    if (line == null) {
      HttpResponseStatus s = HttpResponseStatus.valueOf(status);
      line = ascii((http10 ? "HTTP/1.0 " : "HTTP/1.1 ") + s.codeAsText() + " " + s.reasonPhrase() + "\r\n");
      if (status > 0 && status < lines.length) {
        lines[status] = line; // a benign race: every thread computes the same bytes
      }
    }
    out.writeBytes(line);
  }

  static void requestLine(ByteBuf out, CharSequence method, CharSequence target, boolean http10) {
    ByteBufUtil.writeAscii(out, method);
    out.writeByte(' ');
    ByteBufUtil.writeAscii(out, target);
    out.writeBytes(http10 ? HTTP_1_0 : HTTP_1_1);
  }

  static void field(ByteBuf out, CharSequence name, CharSequence value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeBytes(COLON_SP);
    ByteBufUtil.writeAscii(out, value);
    out.writeBytes(CRLF);
  }

  /** The regular fields of {@code headers}; pseudo-headers stay behind. */
  static void fields(ByteBuf out, Http2Headers headers) {
    for (Map.Entry<CharSequence, CharSequence> e : headers) {
      CharSequence name = e.getKey();
      if (name.length() > 0 && name.charAt(0) != ':') {
        field(out, name, e.getValue());
      }
    }
  }

  /** The empty line that ends a head. */
  static void endHead(ByteBuf out) {
    out.writeBytes(CRLF);
  }

  /**
   * The line that starts a chunk of {@code size} bytes, after the CRLF that ends the chunk before
   * it when {@code afterChunk}. A chunk's own CRLF is written with whatever follows it, so a
   * small chunk and its framing leave in one buffer.
   */
  static void chunkStart(ByteBuf out, int size, boolean afterChunk) {
    if (afterChunk) {
      out.writeBytes(CRLF);
    }
    int shift = 28;
    while (shift > 0 && (size >>> shift) == 0) {
      shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
      out.writeByte(HEX[(size >>> shift) & 0xf]);
    }
    out.writeBytes(CRLF);
  }

  /** The last chunk and its trailer fields (none when {@code trailers} is null), ending the body. */
  static void lastChunk(ByteBuf out, Http2Headers trailers, boolean afterChunk) {
    if (afterChunk) {
      out.writeBytes(CRLF);
    }
    out.writeBytes(LAST_CHUNK);
    if (trailers != null) {
      fields(out, trailers);
    }
    out.writeBytes(CRLF);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
