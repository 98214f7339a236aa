package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** H1Output on an EmbeddedChannel: what it writes, in how many buffers, and when sources hear back. */
class H1OutputTest {
  private static final String HEAD = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";

  /** Only here to hand over its context, as H1Server and H1Client do in handlerAdded. */
  private static final class ContextHolder extends ChannelInboundHandlerAdapter {
    ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }
  }

  private final ContextHolder holder = new ContextHolder();
  private final EmbeddedChannel channel = new EmbeddedChannel(holder);
  private final H1Output out = new H1Output(holder.ctx);
  private final List<Integer> consumed = new ArrayList<>();
  private final BodySource source = consumed::add;

  @AfterEach
  void closeChannel() {
    assertThat(channel.finishAndReleaseAll()).as("everything written was read").isFalse();
  }

  @Test
  void headAndSmallBodyLeaveAsOneBuffer() {
    String head = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n";
    out.head(ascii(head), false, false, false);
    assertThat(writtenAfterFlush()).containsExactly(head);

    out.head(ascii(head), false, false, false);
    ByteBuf body = ascii("hello");
    out.data(body, true, source);
    out.flush();

    assertThat(written()).containsExactly(head + "hello");
    assertThat(body.refCnt()).isZero();
    assertThat(consumed).containsExactly(5);
  }

  @Test
  void aHeadThatEndsItsMessageIsWrittenAtOnce() {
    String head = "HTTP/1.1 204 No Content\r\n\r\n";
    out.head(ascii(head), true, false, false);
    channel.flush(); // not out.flush(): nothing may wait inside H1Output
    assertThat(written()).containsExactly(head);
  }

  @Test
  void chunkedBodyInPieces() {
    out.head(ascii(HEAD), false, true, false);
    out.data(ascii("hello"), false, source);
    out.data(ascii(" world"), false, source);
    out.data(ascii("!"), false, source);
    out.data(Unpooled.EMPTY_BUFFER, true, source);
    out.flush();

    // Each chunk's CRLF goes out with what follows it, so a chunk and its framing are one buffer.
    assertThat(written()).containsExactly(HEAD + "5\r\nhello", "\r\n6\r\n world", "\r\n1\r\n!", "\r\n0\r\n\r\n");
    assertThat(nonZero(consumed)).containsExactly(5, 6, 1);
  }

  @Test
  void lastPieceWithDataClosesTheChunkedBody() {
    out.head(ascii(HEAD), false, true, false);
    out.data(ascii("abc"), true, source);
    out.flush();
    assertThat(written()).containsExactly(HEAD + "3\r\nabc\r\n0\r\n\r\n");
  }

  @Test
  void trailersEndTheChunkedBody() {
    out.head(ascii(HEAD), false, true, false);
    out.data(ascii("abc"), false, source);
    out.trailers(new DefaultHttp2Headers().add("x-checksum", "900150983cd24fb0"));
    out.flush();
    assertThat(written()).containsExactly(HEAD + "3\r\nabc", "\r\n0\r\nx-checksum: 900150983cd24fb0\r\n\r\n");

    // Trailers right after the head: the head, the last chunk and the trailers in one buffer.
    out.head(ascii(HEAD), false, true, false);
    out.trailers(new DefaultHttp2Headers().add("grpc-status", "0"));
    out.flush();
    assertThat(written()).containsExactly(HEAD + "0\r\ngrpc-status: 0\r\n\r\n");
  }

  @Test
  void trailersOfAFixedLengthBodyAreDropped() {
    String head = "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n";
    out.head(ascii(head), false, false, false);
    out.data(ascii("abc"), false, source);
    out.trailers(new DefaultHttp2Headers().add("grpc-status", "0"));
    out.flush();
    assertThat(written()).containsExactly(head + "abc");
  }

  @Test
  void largeBodiesAreWrittenAsTheyCame() {
    String head = "HTTP/1.1 200 OK\r\ncontent-length: 2000\r\n\r\n";
    out.head(ascii(head), false, false, false);
    ByteBuf body = Unpooled.wrappedBuffer(new byte[H1Writer.COPY_THRESHOLD + 976]);
    out.data(body, true, source);
    assertThat(consumed).as("not before the bytes left").isEmpty();
    out.flush();

    ByteBuf first = channel.readOutbound();
    ByteBuf second = channel.readOutbound();
    assertThat(first.toString(StandardCharsets.ISO_8859_1)).isEqualTo(head);
    assertThat(second).as("the body itself, not a copy").isSameAs(body);
    first.release();
    second.release();
    assertThat(consumed).containsExactly(2000);
  }

  @Test
  void largeChunksAreWrittenAsTheyCame() {
    out.head(ascii(HEAD), false, true, false);
    out.data(ascii("small"), false, source);
    ByteBuf large = ascii("x".repeat(4096));
    out.data(large, true, source);
    out.flush();

    assertThat(written()).containsExactly(HEAD + "5\r\nsmall", "\r\n1000\r\n", "x".repeat(4096), "\r\n0\r\n\r\n");
    assertThat(consumed).containsExactly(5, 4096);
  }

  @Test
  void aLargeFirstChunkFollowsItsHeadAndChunkLine() {
    out.head(ascii(HEAD), false, true, false);
    out.data(ascii("y".repeat(2048)), false, BodySource.NONE);
    out.data(Unpooled.EMPTY_BUFFER, true, BodySource.NONE);
    out.flush();
    assertThat(written()).containsExactly(HEAD + "800\r\n", "y".repeat(2048), "\r\n0\r\n\r\n");
  }

  @Test
  void discardedBodiesAreDroppedButCounted() {
    String head = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n";
    out.head(ascii(head), false, false, true);
    ByteBuf body = ascii("hello");
    out.data(body, true, source);
    out.flush();
    assertThat(written()).containsExactly(head);
    assertThat(body.refCnt()).isZero();
    assertThat(consumed).containsExactly(5);

    // A chunked one neither: no chunk lines, no last chunk, no trailers.
    out.head(ascii(HEAD), false, true, true);
    out.data(ascii("x".repeat(2000)), false, source);
    out.trailers(new DefaultHttp2Headers().add("grpc-status", "0"));
    out.flush();
    assertThat(written()).containsExactly(HEAD);
    assertThat(consumed).containsExactly(5, 2000);
  }

  @Test
  void whileTheChannelIsNotWritableSmallPiecesAreCountedOnceWritten() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    out.head(ascii(HEAD), false, true, false);
    out.data(ascii("first"), false, source);
    assertThat(channel.isWritable()).isFalse();
    out.data(ascii("second"), false, source);
    assertThat(consumed).as("first was written while writable, second was not").containsExactly(5);

    out.flush();
    assertThat(consumed).containsExactly(5, 6);
    assertThat(written()).containsExactly(HEAD + "5\r\nfirst", "\r\n6\r\nsecond");
  }

  @Test
  void aPendingHeadIsFlushedOrDiscarded() {
    out.head(ascii(HEAD), false, true, false);
    assertThat(writtenAfterFlush()).containsExactly(HEAD);

    ByteBuf head = ascii(HEAD);
    out.head(head, false, true, false);
    out.discard();
    assertThat(head.refCnt()).isZero();
    assertThat(writtenAfterFlush()).isEmpty();
  }

  @Test
  void aNewHeadWritesTheOneStillWaiting() {
    String interim = "HTTP/1.1 100 Continue\r\n\r\n";
    out.head(ascii(interim), false, false, false);
    out.head(ascii(HEAD), true, false, false);
    assertThat(writtenAfterFlush()).containsExactly(interim, HEAD);
  }

  @Test
  void whatItWritesParsesBack() {
    Http2Headers head = new DefaultHttp2Headers().status("200").add("content-type", "application/grpc");
    ByteBuf buf = H1Writer.buffer(holder.ctx.alloc(), head, 0);
    H1Writer.statusLine(buf, false, 200);
    H1Writer.fields(buf, head);
    H1Writer.field(buf, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    H1Writer.endHead(buf);
    out.head(buf, false, true, false);
    String large = "L".repeat(H1Writer.COPY_THRESHOLD + 1);
    out.data(ascii("hello "), false, source);
    out.data(ascii(large), false, source);
    out.data(ascii(" world"), false, source);
    out.trailers(new DefaultHttp2Headers().add("grpc-status", "0").add("grpc-message", "fine"));
    out.flush();

    ByteBuf wire = Unpooled.buffer();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      wire.writeBytes(b);
      b.release();
    }
    List<String> events = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    H1Parser parser = new H1Parser(H1Parser.Kind.RESPONSE, new H1Parser.Sink() {
      @Override
      public void head(H1Head h, boolean endOfMessage) {
        events.add("head " + h.status() + " " + h.headers().get("content-type") + " end=" + endOfMessage);
      }

      @Override
      public void body(ByteBuf data, boolean endOfMessage) {
        body.append(data.toString(StandardCharsets.ISO_8859_1));
        data.release();
        if (endOfMessage) {
          events.add("end of body");
        }
      }

      @Override
      public void trailers(Http2Headers trailers) {
        events.add("trailers " + trailers.get("grpc-status") + " " + trailers.get("grpc-message"));
      }

      @Override
      public void malformed(int status, String reason) {
        events.add("malformed " + status + " " + reason);
      }
    });
    parser.parse(wire);

    assertThat(events).containsExactly("head 200 application/grpc end=false", "trailers 0 fine");
    assertThat(body).hasToString("hello " + large + " world");
    assertThat(wire.isReadable()).isFalse();
    assertThat(parser.inMessage()).isFalse();
    wire.release();
  }

  /** Each outbound buffer as a string, released. */
  private List<String> written() {
    List<String> buffers = new ArrayList<>();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      buffers.add(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return buffers;
  }

  private List<String> writtenAfterFlush() {
    out.flush();
    return written();
  }

  private static List<Integer> nonZero(List<Integer> counts) {
    return counts.stream().filter(n -> n != 0).toList();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }
}
