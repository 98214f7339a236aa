package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The proxy's HTTP/1 parser on the messages the benchmark pair relays: an nginx response (head and
 * a 56-byte body in one read, as the application side of the inbound proxy reads it) and a wrk/curl
 * style request (as the outbound proxy reads it from its client). Each operation parses one
 * message from a direct buffer into the relay's HTTP/2-shaped head, as on the proxy's event loop.
 * It lives in the parser's package to reach the package-private codec.
 *
 * <p>Run: {@code java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main
 * H1ParseBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class H1ParseBenchmark {
  private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\n"
      + "Server: nginx/1.22.1\r\n"
      + "Date: Sun, 06 Dec 2026 14:40:00 GMT\r\n"
      + "Content-Type: text/plain\r\n"
      + "Content-Length: 56\r\n"
      + "Connection: keep-alive\r\n"
      + "\r\n"
      + "upstream ok: lattice bench static body 0123456789abcdef\n").getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] REQUEST = ("GET /index.html?user=42 HTTP/1.1\r\n"
      + "Host: upstream.bench.svc.cluster.local:8080\r\n"
      + "User-Agent: curl/7.88.1\r\n"
      + "Accept: */*\r\n"
      + "X-Request-Id: 4bf92f3577b34da6a3ce929d0e0e4736\r\n"
      + "\r\n").getBytes(StandardCharsets.ISO_8859_1);

  private final Capture capture = new Capture();
  private H1Parser responses;
  private H1Parser requests;
  private ByteBuf response;
  private ByteBuf request;

  /** Keeps what the parser hands on from being optimised away, and frees body slices. */
  private static final class Capture implements H1Parser.Sink {
    Blackhole hole;

    @Override
    public void head(H1Head head, boolean endOfMessage) {
      hole.consume(head);
    }

    @Override
    public void body(ByteBuf data, boolean endOfMessage) {
      hole.consume(data.readableBytes());
      data.release();
    }

    @Override
    public void trailers(Http2Headers trailers) {
      hole.consume(trailers);
    }

    @Override
    public void malformed(int status, String reason) {
      throw new IllegalStateException(status + " " + reason);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    responses = new H1Parser(H1Parser.Kind.RESPONSE, capture);
    requests = new H1Parser(H1Parser.Kind.REQUEST, capture);
    response = PooledByteBufAllocator.DEFAULT.directBuffer(RESPONSE.length).writeBytes(RESPONSE);
    request = PooledByteBufAllocator.DEFAULT.directBuffer(REQUEST.length).writeBytes(REQUEST);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    response.release();
    request.release();
  }

  @Benchmark
  public void nginxResponse(Blackhole hole) {
    capture.hole = hole;
    response.readerIndex(0);
    responses.parse(response);
  }

  @Benchmark
  public void clientRequest(Blackhole hole) {
    capture.hole = hole;
    request.readerIndex(0);
    requests.parse(request);
  }
}
