package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * H1Parser on its own. Most cases run twice: the message whole in one buffer, and fed one byte at
 * a time the way H1Server feeds it (unread bytes kept, the next read appended with
 * {@link H1Buffers#append}); both must give the same events, and neither may leak a buffer.
 */
class H1ParserTest {

  // ---- requests ----

  @Test
  void getWithHostBecomesPseudoHeadersAndLowerCaseFields() {
    List<Event> events = parseRequests("GET /a/b?c=1 HTTP/1.1\r\n"
        + "Host: example.com:8080\r\n"
        + "User-Agent:   curl/8.5 \t\r\n"
        + "X-Request-ID:\tabc\r\n"
        + "ACCEPT: */*\r\n"
        + "\r\n");

    assertThat(events).hasSize(1);
    Head head = (Head) events.get(0);
    assertThat(head.pseudo()).containsExactlyInAnyOrderEntriesOf(Map.of(
        ":method", "GET", ":path", "/a/b?c=1", ":scheme", "http", ":authority", "example.com:8080"));
    // Known names become their constants, unknown ones are lower-cased; values lose their OWS.
    assertThat(head.fields()).containsExactly("user-agent: curl/8.5", "x-request-id: abc", "accept: */*");
    assertThat(head.end()).isTrue();
    assertThat(head.keepAlive()).isTrue();
    assertThat(head.http10()).isFalse();
    assertThat(head.absoluteForm()).isFalse();
    assertThat(head.expectContinue()).isFalse();
    assertThat(head.status()).isZero();
  }

  @Test
  void absoluteFormTargetGivesSchemeAuthorityAndPath() {
    Head head = onlyHead(parseRequests(
        "GET HTTP://upstream.example:81/p?q HTTP/1.1\r\nHost: other.example\r\n\r\n"));
    assertThat(head.pseudo()).containsExactlyInAnyOrderEntriesOf(Map.of(
        ":method", "GET", ":path", "/p?q", ":scheme", "http", ":authority", "upstream.example:81"));
    assertThat(head.absoluteForm()).isTrue();
    assertThat(head.fields()).isEmpty();

    Head bare = onlyHead(parseRequests("GET http://upstream.example?x=1 HTTP/1.1\r\n\r\n"));
    assertThat(bare.pseudo()).containsEntry(":path", "/?x=1").containsEntry(":authority", "upstream.example");

    Head asterisk = onlyHead(parseRequests("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"));
    assertThat(asterisk.pseudo()).containsEntry(":path", "*").containsEntry(":method", "OPTIONS");
    assertThat(asterisk.absoluteForm()).isFalse();
  }

  @Test
  void keepAliveFollowsTheVersionAndConnection() {
    assertThat(onlyHead(parseRequests("GET / HTTP/1.1\r\nHost: h\r\n\r\n")).keepAlive()).isTrue();
    assertThat(onlyHead(parseRequests("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")).keepAlive())
        .isFalse();
    assertThat(onlyHead(parseRequests("GET / HTTP/1.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\n")).keepAlive())
        .isFalse();

    Head http10 = onlyHead(parseRequests("GET / HTTP/1.0\r\n\r\n"));
    assertThat(http10.http10()).isTrue();
    assertThat(http10.keepAlive()).isFalse();
    assertThat(onlyHead(parseRequests("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).keepAlive()).isTrue();
    assertThat(onlyHead(parseRequests("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).keepAlive()).isTrue();
  }

  @Test
  void transferEncodingInHttp10EndsTheConnection() {
    // RFC 9112 §6.1: an HTTP/1.0 peer may not know chunked; the framing is suspect, so the body
    // is read as chunked but the connection carries nothing after it.
    List<Event> request = parseRequests("POST / HTTP/1.0\r\nConnection: keep-alive\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    assertThat(((Head) request.get(0)).keepAlive()).isFalse();
    assertThat(request.get(1)).isEqualTo(new Body("abc", true));

    List<Event> response = parseResponses("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false);
    assertThat(((Head) response.get(0)).keepAlive()).isFalse();
    assertThat(response.get(1)).isEqualTo(new Body("abc", true));
  }

  @Test
  void connectionSpecificFieldsAreDropped() {
    Head head = onlyHead(parseRequests("GET / HTTP/1.1\r\n"
        + "Host: h\r\n"
        + "Connection: keep-alive, X-Hop, Cookie\r\n"
        + "X-Hop: secret\r\n"
        + "Cookie: a=1\r\n"
        + "Keep-Alive: timeout=5\r\n"
        + "Proxy-Connection: keep-alive\r\n"
        + "Upgrade: h2c\r\n"
        + "X-End: kept\r\n"
        + "\r\n"));
    assertThat(head.fields()).containsExactly("x-end: kept");
    assertThat(head.keepAlive()).isTrue();
    assertThat(head.upgrade()).as("Upgrade without the Connection token asks for nothing").isNull();
  }

  @Test
  void anUpgradeNeedsBothFieldsAndHttp11() {
    Head asks = onlyHead(parseRequests("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\n"
        + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    assertThat(asks.upgrade()).isEqualTo("websocket");
    assertThat(asks.fields()).as("hop-by-hop fields stay out of the head").containsExactly("sec-websocket-version: 13");

    assertThat(onlyHead(parseRequests("GET /ws HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n")).upgrade())
        .as("HTTP/1.0 has no Upgrade").isNull();
    assertThat(onlyHead(parseRequests("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\n\r\n")).upgrade()).isNull();
  }

  @Test
  void anUpgradeToH2cStaysAPlainRequest() {
    // The tunnel would carry HTTP/2 requests that no policy sees one by one.
    Head h2c = onlyHead(parseRequests("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        + "Upgrade: websocket, H2C\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"));
    assertThat(h2c.upgrade()).isNull();
    assertThat(h2c.fields()).as("the upgrade's own fields go no further").isEmpty();
  }

  @Test
  void onlyTeTrailersIsKept() {
    assertThat(onlyHead(parseRequests("GET / HTTP/1.1\r\nTE: Trailers\r\n\r\n")).fields())
        .containsExactly("te: trailers");
    assertThat(onlyHead(parseRequests("GET / HTTP/1.1\r\nTE: gzip\r\n\r\n")).fields()).isEmpty();
    assertThat(onlyHead(parseRequests("GET / HTTP/1.1\r\nTE: deflate;q=0.5, trailers\r\n\r\n")).fields())
        .as("trailers among other codings: only trailers crosses")
        .containsExactly("te: trailers");
  }

  @Test
  void contentLengthBody() {
    List<Event> events = parseRequests(
        "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello worldGET /next HTTP/1.1\r\n\r\n");
    assertThat(events).hasSize(3);
    Head head = (Head) events.get(0);
    assertThat(head.end()).isFalse();
    assertThat(head.fields()).containsExactly("content-length: 11");
    assertThat(events.get(1)).isEqualTo(new Body("hello world", true));
    assertThat(((Head) events.get(2)).pseudo()).containsEntry(":path", "/next");
  }

  @Test
  void contentLengthBodyArrivingInPiecesIsSlicedAsItArrives() {
    Recorder sink = new Recorder();
    H1Parser parser = new H1Parser(H1Parser.Kind.REQUEST, sink);
    ByteBuf first = ascii("PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    ByteBuf second = ascii("defg");
    ByteBuf third = ascii("hijGET / HTTP/1.1\r\n\r\n");

    parser.parse(first);
    assertThat(parser.inMessage()).isTrue();
    parser.parse(second);
    parser.parse(third);

    assertThat(sink.raw).hasSize(5);
    assertThat(sink.raw.subList(1, 4))
        .containsExactly(new Body("abc", false), new Body("defg", false), new Body("hij", true));
    assertThat(sink.raw.get(4)).isInstanceOf(Head.class);
    assertThat(parser.inMessage()).isFalse();
    // Each slice holds its buffer until the sink lets go of it.
    assertThat(first.refCnt()).isEqualTo(2);
    assertThat(second.refCnt()).isEqualTo(2);
    sink.release();
    assertThat(first.refCnt()).isEqualTo(1);
    assertThat(second.refCnt()).isEqualTo(1);
    assertThat(third.refCnt()).isEqualTo(1);
    first.release();
    second.release();
    third.release();
  }

  @Test
  void repeatedEqualContentLengthsAreOne() {
    List<Event> events = parseRequests("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\nhello");
    assertThat(((Head) events.get(0)).fields()).containsExactly("content-length: 5");
    assertThat(events.get(1)).isEqualTo(new Body("hello", true));
  }

  @Test
  void zeroContentLengthIsABodylessRequest() {
    List<Event> events = parseRequests("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assertThat(events).hasSize(1);
    assertThat(((Head) events.get(0)).end()).isTrue();
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailers() {
    List<Event> events = parseRequests("POST / HTTP/1.1\r\n"
        + "Host: h\r\n"
        + "Transfer-Encoding: Chunked\r\n"
        + "Trailer: X-Checksum\r\n"
        + "\r\n"
        + "5;name=value\r\nhello\r\n"
        + "6 ; other=\"quoted\"\r\n world\r\n"
        + "A\r\n0123456789\r\n"
        + "0\r\n"
        + "X-Checksum: abc \r\n"
        + "Content-Length: 21\r\n"
        + "Host: evil\r\n"
        + "Trailer: X-Checksum\r\n"
        + "TE: trailers\r\n"
        + "Transfer-Encoding: chunked\r\n"
        + "Connection: close\r\n"
        + "\r\n");
    assertThat(events).hasSize(3);
    Head head = (Head) events.get(0);
    assertThat(head.end()).isFalse();
    assertThat(head.fields()).containsExactly("trailer: X-Checksum"); // transfer-encoding is the hop's own
    assertThat(events.get(1)).isEqualTo(new Body("hello world0123456789", false));
    // Framing and routing fields mean nothing in trailers: only the checksum goes on.
    assertThat(events.get(2)).isEqualTo(new Trailers(List.of("x-checksum: abc")));
  }

  @Test
  void chunkedBodyWithoutTrailersEndsWithAnEmptyPiece() {
    List<Event> events = parseRequests(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
    assertThat(events).hasSize(3);
    assertThat(events.get(1)).isEqualTo(new Body("abc", true));
    assertThat(((Head) events.get(2)).pseudo()).containsEntry(":path", "/2");
  }

  @Test
  void trailersOfOnlyForbiddenFieldsEndTheBodyWithoutTrailers() {
    List<Event> events = parseRequests(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nContent-Length: 3\r\n\r\n");
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).isEqualTo(new Body("abc", true));
  }

  @Test
  void bareLfLineEndsAreAccepted() {
    List<Event> events = parseRequests("POST /lf HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n"
        + "4\nwxyz\n0\nX-T: 1\n\n");
    assertThat(events).hasSize(3);
    Head head = (Head) events.get(0);
    assertThat(head.pseudo()).containsEntry(":path", "/lf").containsEntry(":authority", "h");
    assertThat(events.get(1)).isEqualTo(new Body("wxyz", false));
    assertThat(events.get(2)).isEqualTo(new Trailers(List.of("x-t: 1")));
  }

  @Test
  void emptyLinesBeforeARequestLineAreIgnored() {
    List<Event> events = parseRequests("\r\n\n\r\nGET / HTTP/1.1\r\n\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
    assertThat(events).hasSize(2);
    assertThat(((Head) events.get(1)).pseudo()).containsEntry(":path", "/2");
  }

  @Test
  void pipelinedRequestsWaitWhilePaused() {
    String second = "POST /2 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
    String third = "GET /3 HTTP/1.1\r\n\r\n";
    Recorder sink = new Recorder();
    H1Parser parser = new H1Parser(H1Parser.Kind.REQUEST, sink);
    sink.pauseOnHead = parser;
    ByteBuf in = ascii("GET /1 HTTP/1.1\r\n\r\n" + second + third);

    parser.parse(in);
    assertThat(sink.raw).hasSize(1);
    assertThat(parser.paused()).isTrue();
    assertThat(in.readableBytes()).isEqualTo(second.length() + third.length());
    parser.parse(in); // still paused: nothing moves
    assertThat(sink.raw).hasSize(1);

    parser.resume();
    parser.parse(in);
    // The message that starts is read to its end even though its head paused the parser.
    assertThat(sink.raw).hasSize(3);
    assertThat(((Head) sink.raw.get(1)).pseudo()).containsEntry(":path", "/2");
    assertThat(sink.raw.get(2)).isEqualTo(new Body("hi", true));
    assertThat(in.readableBytes()).isEqualTo(third.length());

    parser.resume();
    parser.parse(in);
    assertThat(sink.raw).hasSize(4);
    assertThat(in.isReadable()).isFalse();
    sink.release();
    assertThat(in.refCnt()).isEqualTo(1);
    in.release();

    // Whole and byte by byte, with the driver resuming at each boundary, give the same.
    assertThat(parseRequests("GET /1 HTTP/1.1\r\n\r\n" + second + third)).hasSize(4);
  }

  @Test
  void expectations() {
    Head expect = onlyHead(parseRequests(
        "PUT / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n"), false);
    assertThat(expect.expectContinue()).isTrue();
    assertThat(expect.fields()).containsExactly("content-length: 3"); // Expect is answered here, not relayed

    assertThat(onlyHead(parseRequests("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n")).expectContinue())
        .as("no body, nothing to wait for").isFalse();
    assertThat(onlyHead(parseRequests(
        "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"), false).expectContinue())
        .as("HTTP/1.0 has no 100 Continue").isFalse();

    assertMalformed(H1Parser.Kind.REQUEST, "PUT / HTTP/1.1\r\nExpect: magic\r\nContent-Length: 3\r\n\r\nabc", 417);
  }

  // ---- responses ----

  @Test
  void bodylessResponses() {
    String next = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
    for (String status : new String[] {"204 No Content", "304 Not Modified", "100 Continue", "103 Early Hints"}) {
      List<Event> events = parseResponses(
          "HTTP/1.1 " + status + "\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n" + next, false);
      assertThat(events).as(status).hasSize(3);
      Head head = (Head) events.get(0);
      assertThat(head.end()).isTrue();
      assertThat(head.status()).isEqualTo(Integer.parseInt(status.substring(0, 3)));
      assertThat(head.pseudo()).containsEntry(":status", status.substring(0, 3));
      assertThat(((Head) events.get(1)).status()).isEqualTo(200);
      assertThat(events.get(2)).isEqualTo(new Body("x", true));
    }
  }

  @Test
  void responseToHeadHasNoBody() {
    Recorder sink = new Recorder();
    H1Parser parser = new H1Parser(H1Parser.Kind.RESPONSE, sink);
    parser.expectResponseToHead(true);
    ByteBuf in = ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    parser.parse(in);
    assertThat(sink.raw).hasSize(1);
    Head head = (Head) sink.raw.get(0);
    assertThat(head.end()).isTrue();
    assertThat(head.fields()).containsExactly("content-length: 1000");
    assertThat(parser.inMessage()).isFalse();
    in.release();
  }

  @Test
  void chunkedAndFixedResponses() {
    List<Event> events = parseResponses("HTTP/1.1 200 OK\r\n"
        + "Transfer-Encoding: chunked\r\n"
        + "Content-Length: 100\r\n" // TE wins in a response; the length is not passed on
        + "Content-Type: text/plain\r\n"
        + "\r\n"
        + "2\r\nab\r\n0\r\n\r\n"
        + "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop", false);
    assertThat(events).hasSize(4);
    Head first = (Head) events.get(0);
    assertThat(first.fields()).containsExactly("content-type: text/plain");
    assertThat(first.keepAlive()).isTrue();
    assertThat(events.get(1)).isEqualTo(new Body("ab", true));
    Head second = (Head) events.get(2);
    assertThat(second.status()).isEqualTo(404);
    assertThat(second.fields()).containsExactly("content-length: 3");
    assertThat(events.get(3)).isEqualTo(new Body("nop", true));
  }

  @Test
  void responseWithoutLengthIsReadUntilClose() {
    List<Event> events = parseResponses("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nall of this until the end", true);
    assertThat(events).hasSize(3);
    Head head = (Head) events.get(0);
    assertThat(head.keepAlive()).isFalse();
    assertThat(head.end()).isFalse();
    assertThat(events.get(1)).isEqualTo(new Body("all of this until the end", true));
    assertThat(events.get(2)).isEqualTo(new EndOfInput(true));

    // A transfer coding that does not end in chunked is delimited by the close too.
    List<Event> coded = parseResponses("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", true);
    assertThat(((Head) coded.get(0)).keepAlive()).isFalse();
    assertThat(coded.get(1)).isEqualTo(new Body("zz", true));

    // The end of input in the middle of a framed body, or between messages, completes nothing.
    assertThat(parseResponses("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", true))
        .endsWith(new Body("ab", false), new EndOfInput(false));
    assertThat(parseResponses("HTTP/1.1 204 No Content\r\n\r\n", true)).endsWith(new EndOfInput(false));
  }

  @Test
  void http10ResponsesAndSwitchingProtocols() {
    Head http10 = onlyHead(parseResponses("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false));
    assertThat(http10.http10()).isTrue();
    assertThat(http10.keepAlive()).isFalse();
    assertThat(onlyHead(parseResponses(
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false)).keepAlive()).isTrue();

    Head switching = onlyHead(parseResponses(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", false));
    assertThat(switching.status()).isEqualTo(101);
    assertThat(switching.keepAlive()).isFalse();
    assertThat(switching.end()).isTrue();
    assertThat(switching.fields()).isEmpty();
    assertThat(switching.upgrade()).isEqualTo("websocket");
    assertThat(onlyHead(parseResponses("HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nContent-Length: 0\r\n\r\n", false))
        .upgrade()).as("only a 101 switches").isNull();
  }

  @Test
  void unknownStatusCodesAndMissingReasonPhrases() {
    assertThat(onlyHead(parseResponses("HTTP/1.1 599\r\nContent-Length: 0\r\n\r\n", false)).pseudo())
        .containsEntry(":status", "599");
    assertMalformed(H1Parser.Kind.RESPONSE, "HTTP/1.1 20 OK\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.RESPONSE, "HTTP/1.1 2000 OK\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.RESPONSE, "HTTP/1.1 099 Odd\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.RESPONSE, "ICY 200 OK\r\n\r\n", 400);
  }

  // ---- refusals ----

  @Test
  void smugglingShapesAreRefused() {
    assertMalformed(H1Parser.Kind.REQUEST,
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST,
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nContent-Length: 3a\r\n\r\nabc", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST,
        "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
    assertMalformed(H1Parser.Kind.REQUEST, "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", 501);
    assertMalformed(H1Parser.Kind.REQUEST,
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    // Differing lengths in a response are as ambiguous as in a request.
    assertMalformed(H1Parser.Kind.RESPONSE, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400);
  }

  @Test
  void malformedFieldLinesAreRefused() {
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nContent-Length\t: 0\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX-A: ab\r\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX-A: a\u007fb\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\n: empty name\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX(A): v\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.RESPONSE, "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n", 400);
  }

  @Test
  void malformedRequestLinesAreRefused() {
    assertMalformed(H1Parser.Kind.REQUEST, "G(T / HTTP/1.1\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET\t/ HTTP/1.1\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, " GET / HTTP/1.1\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET  / HTTP/1.1\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET /\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET /a\0b HTTP/1.1\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/2.0\r\n\r\n", 505);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.2\r\n\r\n", 505);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.x\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / http/1.1\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/1.1 \r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "GET / HTTP/11\r\n\r\n", 400);
    assertMalformed(H1Parser.Kind.REQUEST, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505);
  }

  @Test
  void malformedChunksAreRefusedAfterWhatWasGood() {
    String head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (String chunks : new String[] {
        "3\r\nabc\r\nxyz\r\n",
        "3\r\nabc\r\n\r\n",
        "3\r\nabc\r\n-1\r\n",
        "3\r\nabc\r\n10000000000000000\r\n",
        "3\r\nabc\r\n5 x\r\n",
        "3\r\nabc\r\n5;a=\rb\r\n",
        "3\r\nabcd\r\n",
        "3\r\nabc\rX",
        "3\r\nabc0\r\n\r\n",
    }) {
      List<Event> events = parse(H1Parser.Kind.REQUEST, head + chunks + "0\r\n\r\nGET / HTTP/1.1\r\n\r\n", false);
      assertThat(events).as(chunks).hasSize(3);
      assertThat(events.get(1)).as(chunks).isEqualTo(new Body("abc", false));
      assertThat(events.get(2)).as(chunks).isInstanceOfSatisfying(Malformed.class, m -> assertThat(m.status())
          .isEqualTo(400));
    }
    List<Event> tooLong = parse(H1Parser.Kind.REQUEST, head + "1;" + "x".repeat(5000) + "\r\na\r\n0\r\n\r\n", false);
    assertThat(tooLong).hasSize(2);
    assertThat(tooLong.get(1)).isInstanceOfSatisfying(Malformed.class, m -> assertThat(m.status()).isEqualTo(400));
  }

  @Test
  void headsOverTheLimitAreRefused() {
    String line = "X-Filler: " + "f".repeat(1000) + "\r\n";
    String longHead = "GET / HTTP/1.1\r\n" + line.repeat(H1Parser.MAX_HEAD_BYTES / line.length() + 1);
    // Split in 1 KB pieces, not every byte: the limit is about how much waits, not where it was cut.
    assertThat(parse(H1Parser.Kind.REQUEST, longHead + "\r\n", 1024, false))
        .containsExactly(new Malformed(431, "message head longer than " + H1Parser.MAX_HEAD_BYTES + " bytes"));
    // Without its end in sight the head is refused as soon as it is too long.
    assertThat(parse(H1Parser.Kind.REQUEST, longHead, 1024, false)).singleElement()
        .isInstanceOfSatisfying(Malformed.class, m -> assertThat(m.status()).isEqualTo(431));
    assertThat(parse(H1Parser.Kind.REQUEST, "GET / HTTP/1.1\r\nX: " + "y".repeat(H1Parser.MAX_HEAD_BYTES), 1024,
        false)).singleElement().isInstanceOfSatisfying(Malformed.class, m -> assertThat(m.status()).isEqualTo(431));

    String fits = "GET / HTTP/1.1\r\n" + line.repeat(H1Parser.MAX_HEAD_BYTES / line.length() - 1) + "\r\n";
    assertThat(parse(H1Parser.Kind.REQUEST, fits, 1024, false)).singleElement().isInstanceOf(Head.class);

    String trailers = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        + line.repeat(H1Parser.MAX_HEAD_BYTES / line.length() + 1) + "\r\n";
    assertThat(parse(H1Parser.Kind.REQUEST, trailers, 1024, false)).last()
        .isInstanceOfSatisfying(Malformed.class, m -> assertThat(m.status()).isEqualTo(431));
  }

  @Test
  void theHeadLimitIsExact() {
    String start = "GET / HTTP/1.1\r\nX: ";
    String atLimit = start + "v".repeat(H1Parser.MAX_HEAD_BYTES - start.length() - 4) + "\r\n\r\n";
    assertThat(atLimit).hasSize(H1Parser.MAX_HEAD_BYTES);
    assertThat(parse(H1Parser.Kind.REQUEST, atLimit, 1000, false)).singleElement().isInstanceOf(Head.class);
    String overLimit = start + "v".repeat(H1Parser.MAX_HEAD_BYTES - start.length() - 3) + "\r\n\r\n";
    assertThat(parse(H1Parser.Kind.REQUEST, overLimit, 1000, false)).singleElement()
        .isInstanceOfSatisfying(Malformed.class, m -> assertThat(m.status()).isEqualTo(431));
  }

  @Test
  void nothingIsReadAfterAMalformedMessage() {
    Recorder sink = new Recorder();
    H1Parser parser = new H1Parser(H1Parser.Kind.REQUEST, sink);
    ByteBuf in = ascii("GET / HTTP/9.9\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    parser.parse(in);
    assertThat(sink.raw).singleElement().isInstanceOf(Malformed.class);
    assertThat(parser.inMessage()).isFalse();
    parser.parse(in); // what followed the bad head is skipped, not read
    assertThat(in.isReadable()).isFalse();
    ByteBuf more = ascii("GET / HTTP/1.1\r\n\r\n");
    parser.parse(more); // the Recorder fails on any event after malformed
    assertThat(more.isReadable()).isFalse();
    assertThat(parser.endOfInput()).isFalse();
    assertThat(sink.raw).hasSize(1);
    in.release();
    more.release();
  }

  // ---- the harness ----

  private static void assertMalformed(H1Parser.Kind kind, String wire, int status) {
    List<Event> events = parse(kind, wire, false);
    assertThat(events).as(wire).isNotEmpty();
    assertThat(events.get(events.size() - 1)).as(wire)
        .isInstanceOfSatisfying(Malformed.class, m -> assertThat(m.status()).isEqualTo(status));
  }

  private static Head onlyHead(List<Event> events) {
    return onlyHead(events, true);
  }

  private static Head onlyHead(List<Event> events, boolean end) {
    assertThat(events).hasSize(1).first().isInstanceOf(Head.class);
    Head head = (Head) events.get(0);
    assertThat(head.end()).isEqualTo(end);
    return head;
  }

  private static List<Event> parseRequests(String wire) {
    return parse(H1Parser.Kind.REQUEST, wire, false);
  }

  private static List<Event> parseResponses(String wire, boolean endOfInput) {
    return parse(H1Parser.Kind.RESPONSE, wire, endOfInput);
  }

  /** The events of {@code wire} read whole, after checking that one byte at a time gives the same. */
  private static List<Event> parse(H1Parser.Kind kind, String wire, boolean endOfInput) {
    return parse(kind, wire, 1, endOfInput);
  }

  private static List<Event> parse(H1Parser.Kind kind, String wire, int pieceSize, boolean endOfInput) {
    List<Event> whole = feed(kind, wire, wire.length(), endOfInput);
    List<Event> split = feed(kind, wire, pieceSize, endOfInput);
    assertThat(split).as("split in pieces of %d bytes", pieceSize).isEqualTo(whole);
    return whole;
  }

  /**
   * Feeds {@code wire} in pieces of {@code pieceSize} as H1Server does: what the parser left
   * unread waits, the next piece is appended to it. The sink pauses the parser at each head and
   * this driver resumes it at once, so pipelined messages pass through the pause too. Returns the
   * events with consecutive body pieces joined; checks that every buffer was released.
   */
  private static List<Event> feed(H1Parser.Kind kind, String wire, int pieceSize, boolean endOfInput) {
    TrackingAllocator alloc = new TrackingAllocator();
    Recorder sink = new Recorder();
    H1Parser parser = new H1Parser(kind, sink);
    sink.pauseOnHead = parser;
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuf waiting = null;
    for (int i = 0; i < bytes.length; i += pieceSize) {
      int n = Math.min(pieceSize, bytes.length - i);
      // Room to spare, so H1Buffers.append sometimes appends in place and sometimes copies.
      ByteBuf in = alloc.heapBuffer(Math.max(n, 16), Integer.MAX_VALUE).writeBytes(bytes, i, n);
      waiting = waiting == null ? in : H1Buffers.append(alloc, waiting, in);
      parser.parse(waiting);
      while (parser.paused() && !parser.inMessage() && waiting.isReadable()) {
        parser.resume();
        parser.parse(waiting);
      }
      if (!waiting.isReadable()) {
        waiting.release();
        waiting = null;
      }
    }
    if (endOfInput) {
      sink.raw.add(new EndOfInput(parser.endOfInput()));
    }
    if (waiting != null) {
      waiting.release();
    }
    // Every body piece is a slice of what was read: they hold their buffers until released.
    sink.release();
    assertThat(alloc.created).allSatisfy(b -> assertThat(b.refCnt()).as("leaked").isZero());
    return joinBodies(sink.raw);
  }

  private static List<Event> joinBodies(List<Event> raw) {
    List<Event> joined = new ArrayList<>();
    for (Event e : raw) {
      if (e instanceof Body b && !joined.isEmpty() && joined.get(joined.size() - 1) instanceof Body prev
          && !prev.end()) {
        joined.set(joined.size() - 1, new Body(prev.data() + b.data(), b.end()));
      } else {
        joined.add(e);
      }
    }
    return joined;
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** Remembers each buffer it made, to check at the end that all were released. */
  private static final class TrackingAllocator extends AbstractByteBufAllocator {
    final List<ByteBuf> created = new ArrayList<>();

    TrackingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
      created.add(b);
      return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  sealed interface Event permits Head, Body, Trailers, Malformed, EndOfInput {}

  /** A head: pseudo-headers by name, regular fields in order as "name: value". */
  record Head(Map<String, String> pseudo, List<String> fields, boolean http10, int status, boolean keepAlive,
      boolean absoluteForm, boolean expectContinue, String upgrade, boolean end) implements Event {}

  record Body(String data, boolean end) implements Event {}

  record Trailers(List<String> fields) implements Event {}

  record Malformed(int status, String reason) implements Event {}

  record EndOfInput(boolean completed) implements Event {}

  /** Records what the parser says; keeps the body slices to release them (and check them) later. */
  private static final class Recorder implements H1Parser.Sink {
    final List<Event> raw = new ArrayList<>();
    final List<ByteBuf> slices = new ArrayList<>();
    H1Parser pauseOnHead;
    boolean failed;

    @Override
    public void head(H1Head head, boolean endOfMessage) {
      notFailed();
      if (pauseOnHead != null) {
        pauseOnHead.pause(); // as H1Server does: one request at a time
      }
      Map<String, String> pseudo = new TreeMap<>();
      head.headers().forEach(e -> {
        if (e.getKey().charAt(0) == ':') {
          assertThat(pseudo.put(e.getKey().toString(), e.getValue().toString())).isNull();
        }
      });
      raw.add(new Head(pseudo, fields(head.headers()), head.http10(), head.status(), head.keepAlive(),
          head.absoluteForm(), head.expectContinue(), head.upgrade() == null ? null : head.upgrade().toString(), endOfMessage));
    }

    @Override
    public void body(ByteBuf data, boolean endOfMessage) {
      notFailed();
      assertThat(data.refCnt()).isPositive();
      slices.add(data);
      raw.add(new Body(data.toString(StandardCharsets.ISO_8859_1), endOfMessage));
    }

    @Override
    public void trailers(Http2Headers trailers) {
      notFailed();
      raw.add(new Trailers(fields(trailers)));
    }

    @Override
    public void malformed(int status, String reason) {
      notFailed();
      failed = true;
      raw.add(new Malformed(status, reason));
    }

    void release() {
      slices.forEach(ByteBuf::release);
      slices.clear();
    }

    private void notFailed() {
      assertThat(failed).as("an event after malformed").isFalse();
    }

    private static List<String> fields(Http2Headers headers) {
      List<String> fields = new ArrayList<>();
      headers.forEach(e -> {
        if (e.getKey().charAt(0) != ':') {
          fields.add(e.getKey() + ": " + e.getValue());
        }
      });
      return fields;
    }
  }
}
