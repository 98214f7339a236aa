package dev.lattice.proxy.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 application written byte by byte on a plain socket, for responses a framework would
 * not let a test send. Each response names its connection in {@code x-conn} so tests see reuse.
 * By path (the query is ignored):
 * <ul>
 *   <li>{@code /echo}: 200, the request line it received as the body
 *   <li>{@code /head}: 200 with {@code Content-Length: 1234} (and those bytes unless HEAD)
 *   <li>{@code /204}, {@code /304}: those statuses without a body
 *   <li>{@code /chunked-trailers}: a chunked body "hello world" with trailer {@code x-checksum: abc}
 *   <li>{@code /digest}: 100 Continue first if asked, then the body's SHA-256 and length
 *   <li>{@code /close}: 200 "bye" with {@code Connection: close}, then closes
 *   <li>{@code /early}: 413 as soon as the head arrived; the body (and anything after) is swallowed
 *   <li>{@code /not-http}: bytes that are not HTTP, then waits for the proxy to hang up
 * </ul>
 */
public final class ScriptedHttp1App implements AutoCloseable {
  private final ServerSocket socket;
  public final AtomicInteger connections = new AtomicInteger();
  /** Request lines in arrival order. */
  public final ConcurrentLinkedQueue<String> requestLines = new ConcurrentLinkedQueue<>();
  /** Full heads (request line and header lines) in arrival order. */
  public final ConcurrentLinkedQueue<Http1Wire.Message> requests = new ConcurrentLinkedQueue<>();
  /** Connections that ended, by their number. */
  public final ConcurrentLinkedQueue<Integer> closed = new ConcurrentLinkedQueue<>();

  public ScriptedHttp1App() throws IOException {
    socket = new ServerSocket(0, 128, java.net.InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** How many requests for {@code path} (query ignored) arrived. */
  public long count(String path) {
    return requests.stream().filter(m -> route(m.startLine().split(" ")[1]).equals(path)).count();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        int id = connections.incrementAndGet();
        Thread.ofVirtual().start(() -> serve(s, id));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s, int id) {
    try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
      while (true) {
        Http1Wire.Message head = Http1Wire.readHead(in);
        if (head == null) {
          return;
        }
        String[] line = head.startLine().split(" ");
        if (line.length != 3) {
          // Not an HTTP/1 request (e.g. the HTTP/2 preface): answer as an HTTP/1-only server does.
          write(out, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
          return;
        }
        requestLines.add(head.startLine());
        requests.add(head);
        String method = line[0];
        String route = route(line[1]);
        String conn = "x-conn: " + id + "\r\n";
        switch (route) {
          case "/early" -> {
            write(out, "HTTP/1.1 413 Payload Too Large\r\n" + conn + "Content-Length: 0\r\n\r\n");
            in.transferTo(OutputStream.nullOutputStream()); // never reads another request here
            return;
          }
          case "/not-http" -> {
            write(out, "SSH-2.0-OpenSSH_9.6\r\n\u0000\u0001\u0002 definitely not a status line\r\n\r\n");
            in.transferTo(OutputStream.nullOutputStream());
            return;
          }
          case "/digest" -> {
            if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
              write(out, "HTTP/1.1 100 Continue\r\n\r\n");
            }
            Http1Wire.Message request = Http1Wire.readBody(in, head, true);
            String body = HexFormat.of().formatHex(sha256(request.body())) + " " + request.body().length;
            write(out, "HTTP/1.1 200 OK\r\n" + conn + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            continue;
          }
          default -> Http1Wire.readBody(in, head, true);
        }
        switch (route) {
          case "/head" -> write(out, "HTTP/1.1 200 OK\r\n" + conn + "Content-Length: 1234\r\n\r\n"
              + (method.equals("HEAD") ? "" : "x".repeat(1234)));
          case "/204" -> write(out, "HTTP/1.1 204 No Content\r\n" + conn + "X-Kind: none\r\n\r\n");
          case "/304" -> write(out, "HTTP/1.1 304 Not Modified\r\n" + conn + "ETag: \"v1\"\r\n\r\n");
          case "/chunked-trailers" -> write(out, "HTTP/1.1 200 OK\r\n" + conn + "Transfer-Encoding: chunked\r\n"
              + "Trailer: x-checksum\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\nx-checksum: abc\r\n\r\n");
          case "/close" -> {
            write(out, "HTTP/1.1 200 OK\r\n" + conn + "Connection: close\r\nContent-Length: 3\r\n\r\nbye");
            return;
          }
          default -> {
            String body = head.startLine();
            write(out, "HTTP/1.1 200 OK\r\n" + conn + "Content-Length: " + body.length() + "\r\n\r\n" + body);
          }
        }
      }
    } catch (IOException ignored) {
      // the proxy went away
    } finally {
      closed.add(id);
    }
  }

  private static String route(String target) {
    String path = target;
    int scheme = path.indexOf("://");
    if (scheme > 0) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
