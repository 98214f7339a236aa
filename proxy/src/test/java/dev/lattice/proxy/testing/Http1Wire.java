package dev.lattice.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1 messages read byte by byte off a socket, so a test sees exactly what crossed the wire:
 * the start line, headers (names lower-cased, the last of repeated ones), the body as framed, and
 * chunked trailers.
 */
public final class Http1Wire {
  private Http1Wire() {}

  /** A message: request or status line, headers, body, trailers (empty unless chunked with trailers). */
  public record Message(String startLine, Map<String, String> headers, byte[] body, Map<String, String> trailers) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    public int status() {
      return Integer.parseInt(startLine.split(" ")[1]);
    }
  }

  /**
   * A new connection to {@code address} that has sent {@code GET path} (Host: app) and reads with a
   * 10-s timeout. The kernel completes the handshake even while a proxy is not accepting.
   */
  public static Socket sendGet(InetSocketAddress address, String path) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(address, 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: app\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** One CRLF-terminated line (without it), or null at a clean end of stream before any byte. */
  public static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    if (line.size() == 0) {
      return null;
    }
    throw new EOFException("end of stream inside a line: " + line);
  }

  /** The start line and headers, or null if the stream ended before a message began. */
  public static Message readHead(InputStream in) throws IOException {
    String start = readLine(in);
    if (start == null) {
      return null;
    }
    return new Message(start, readFields(in), new byte[0], Map.of());
  }

  /** A request: head plus its body as framed by Content-Length or chunked encoding. */
  public static Message readRequest(InputStream in) throws IOException {
    Message head = readHead(in);
    if (head == null) {
      return null;
    }
    return readBody(in, head, true);
  }

  /**
   * A response to a request with {@code method}; 1xx responses are skipped. A response without
   * framing is read to the end of the stream.
   */
  public static Message readResponse(InputStream in, String method) throws IOException {
    Message head;
    do {
      head = readHead(in);
      if (head == null) {
        throw new EOFException("connection closed before a response");
      }
    } while (head.status() >= 100 && head.status() < 200);
    int status = head.status();
    if (method.equals("HEAD") || status == 204 || status == 304) {
      return head;
    }
    return readBody(in, head, false);
  }

  /** Reads a body of {@code head}'s framing; a request without framing has none. */
  public static Message readBody(InputStream in, Message head, boolean request) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Map<String, String> trailers = Map.of();
    String te = head.header("transfer-encoding");
    String cl = head.header("content-length");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      while (true) {
        String size = readLine(in);
        if (size == null) {
          throw new EOFException("end of stream in chunked body");
        }
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          trailers = readFields(in);
          break;
        }
        body.write(in.readNBytes(n));
        readLine(in);
      }
    } else if (cl != null) {
      long n = Long.parseLong(cl.trim());
      byte[] b = in.readNBytes((int) n);
      if (b.length < n) {
        throw new EOFException("body ended after " + b.length + " of " + n + " bytes");
      }
      body.write(b);
    } else if (!request) {
      in.transferTo(body);
    }
    return new Message(head.startLine(), head.headers(), body.toByteArray(), trailers);
  }

  private static Map<String, String> readFields(InputStream in) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    String line;
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }
}
