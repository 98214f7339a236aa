package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class H1WriterTest {
  @Test
  void statusLines() {
    assertThat(written(b -> H1Writer.statusLine(b, false, 200))).isEqualTo("HTTP/1.1 200 OK\r\n");
    assertThat(written(b -> H1Writer.statusLine(b, false, 404))).isEqualTo("HTTP/1.1 404 Not Found\r\n");
    assertThat(written(b -> H1Writer.statusLine(b, true, 200))).isEqualTo("HTTP/1.0 200 OK\r\n");
    // An unknown code keeps its number; the phrase is only decoration (Netty's, by class).
    assertThat(written(b -> H1Writer.statusLine(b, false, 599))).startsWith("HTTP/1.1 599 ").endsWith("\r\n");
    // Twice: the second comes from the cache of lines and must be the same.
    assertThat(written(b -> H1Writer.statusLine(b, false, 599))).isEqualTo("HTTP/1.1 599 Server Error (599)\r\n");
    assertThat(written(b -> H1Writer.statusLine(b, true, 404))).isEqualTo("HTTP/1.0 404 Not Found\r\n");
  }

  @Test
  void requestLine() {
    assertThat(written(b -> H1Writer.requestLine(b, "GET", "/a?b=c", false))).isEqualTo("GET /a?b=c HTTP/1.1\r\n");
    assertThat(written(b -> H1Writer.requestLine(b, "OPTIONS", "*", true))).isEqualTo("OPTIONS * HTTP/1.0\r\n");
  }

  @Test
  void fieldsLeavePseudoHeadersBehind() {
    Http2Headers h = new DefaultHttp2Headers().status("200").add("content-type", "text/plain")
        .add("set-cookie", "a=1").add("set-cookie", "b=2");
    String fields = written(b -> H1Writer.fields(b, h));
    assertThat(fields).isEqualTo("content-type: text/plain\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n");
    // The estimate buffers are sized by covers the lines (so writing them does not grow the buffer).
    assertThat(H1Writer.size(h)).isGreaterThanOrEqualTo(fields.length());
    assertThat(written(H1Writer::endHead)).isEqualTo("\r\n");
  }

  @Test
  void chunkSizesInHex() {
    assertThat(written(b -> H1Writer.chunkStart(b, 1, false))).isEqualTo("1\r\n");
    assertThat(written(b -> H1Writer.chunkStart(b, 15, false))).isEqualTo("f\r\n");
    assertThat(written(b -> H1Writer.chunkStart(b, 16, false))).isEqualTo("10\r\n");
    assertThat(written(b -> H1Writer.chunkStart(b, 255, false))).isEqualTo("ff\r\n");
    assertThat(written(b -> H1Writer.chunkStart(b, 4096, false))).isEqualTo("1000\r\n");
    assertThat(written(b -> H1Writer.chunkStart(b, 1 << 20, false))).isEqualTo("100000\r\n");
    assertThat(written(b -> H1Writer.chunkStart(b, Integer.MAX_VALUE, false))).isEqualTo("7fffffff\r\n");
    // After a chunk, that chunk's CRLF comes first.
    assertThat(written(b -> H1Writer.chunkStart(b, 255, true))).isEqualTo("\r\nff\r\n");
  }

  @Test
  void lastChunk() {
    assertThat(written(b -> H1Writer.lastChunk(b, null, false))).isEqualTo("0\r\n\r\n");
    assertThat(written(b -> H1Writer.lastChunk(b, null, true))).isEqualTo("\r\n0\r\n\r\n");
    Http2Headers trailers = new DefaultHttp2Headers().add("grpc-status", "0").add("x-checksum", "abc");
    assertThat(written(b -> H1Writer.lastChunk(b, trailers, true)))
        .isEqualTo("\r\n0\r\ngrpc-status: 0\r\nx-checksum: abc\r\n\r\n");
  }

  private static String written(Consumer<ByteBuf> write) {
    ByteBuf b = Unpooled.buffer();
    try {
      write.accept(b);
      return b.toString(StandardCharsets.ISO_8859_1);
    } finally {
      b.release();
    }
  }
}
