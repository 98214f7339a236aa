package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One HTTP/2 head through the proxy, as far as its header fields go: the HPACK block decoded (in
 * the steady state, where the peer's encoder refers to its dynamic table), the lookups the relay
 * and Netty's decoder make, the inbound's {@code l5d-client-id} edit, and the walk the encoder
 * makes to send it on. {@code impl=netty} fills Netty's {@code DefaultHttp2Headers}, {@code
 * impl=fields} the proxy's {@link HeaderFields}, both checking every field from the peer.
 *
 * <p>Run: {@code java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main
 * HeaderFieldsBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderFieldsBenchmark {
  private static final CharSequence CLIENT_ID = "l5d-client-id";

  @Param({"netty", "fields"})
  public String impl;

  private DefaultHttp2HeadersDecoder requestDecoder;
  private DefaultHttp2HeadersDecoder responseDecoder;
  private ByteBuf request;
  private ByteBuf response;

  private DefaultHttp2HeadersDecoder decoder() {
    return impl.equals("netty")
        ? new DefaultHttp2HeadersDecoder(true, true)
        : new DefaultHttp2HeadersDecoder(true, true) {
          @Override
          protected Http2Headers newHeaders() {
            return HeaderFields.validated(8);
          }

          @Override
          public Http2Headers decodeHeaders(int streamId, ByteBuf headerBlock) throws Http2Exception {
            HeaderFields fields = (HeaderFields) super.decodeHeaders(streamId, headerBlock);
            fields.peerFieldsComplete();
            return fields;
          }
        };
  }

  /** The second block an encoder makes of {@code headers}; {@code decoder} has read the first. */
  private static ByteBuf steadyBlock(Http2Headers headers, DefaultHttp2HeadersDecoder decoder) throws Exception {
    DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true);
    ByteBuf first = Unpooled.buffer();
    encoder.encodeHeaders(1, headers, first);
    decoder.decodeHeaders(1, first);
    ByteBuf second = Unpooled.buffer();
    encoder.encodeHeaders(3, headers, second);
    return second;
  }

  @Setup
  public void setUp() throws Exception {
    requestDecoder = decoder();
    request = steadyBlock(new DefaultHttp2Headers()
        .method("GET").scheme("http").authority("127.0.0.1:23011").path("/")
        .add("user-agent", "h2load nghttp2/1.52.0"), requestDecoder);
    responseDecoder = decoder();
    response = steadyBlock(new DefaultHttp2Headers()
        .status("200")
        .add("server", "nginx/1.22.1")
        .add("date", "Sun, 06 Dec 2026 14:40:00 GMT")
        .add("content-type", "text/plain")
        .add("content-length", "56"), responseDecoder);
  }

  private static void walk(Http2Headers h, Blackhole hole) {
    for (Map.Entry<CharSequence, CharSequence> e : h) {
      hole.consume(e.getKey());
      hole.consume(e.getValue());
    }
  }

  /** A request as proxy B receives it: decoded, routed, given the client's identity, written on. */
  @Benchmark
  public void request(Blackhole hole) throws Exception {
    Http2Headers h = requestDecoder.decodeHeaders(3, request.duplicate());
    hole.consume(h.method());
    hole.consume(h.path());
    hole.consume(h.authority());
    hole.consume(h.scheme());
    hole.consume(h.getAll("content-length"));
    h.remove(CLIENT_ID);
    h.add(CLIENT_ID, "default.default.serviceaccount.identity.lattice.cluster.local");
    walk(h, hole);
  }

  /** A response as proxy A receives it: decoded, its status read a few times, written on. */
  @Benchmark
  public void response(Blackhole hole) throws Exception {
    Http2Headers h = responseDecoder.decodeHeaders(3, response.duplicate());
    hole.consume(h.status());
    hole.consume(h.status());
    hole.consume(h.getAll("content-length"));
    hole.consume(h.get("grpc-status"));
    walk(h, hole);
  }
}
