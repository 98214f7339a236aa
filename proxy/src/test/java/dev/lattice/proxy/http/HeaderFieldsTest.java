package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HeaderFields} behaves as Netty's {@code DefaultHttp2Headers} does for every operation the
 * proxy and Netty's HTTP/2 codec use, and the proxy's decoder still refuses what a peer must not send.
 */
class HeaderFieldsTest {
  private static final List<CharSequence> NAMES = List.of(
      ":method", ":path", ":status", ":authority", "content-type", "x-a", new AsciiString("x-a"), "te", "via");
  private static final List<CharSequence> VALUES = List.of("1", "GET", "/", "text/plain", "trailers", "Zz");

  private static List<String> entries(Http2Headers h) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<CharSequence, CharSequence> e : h) {
      out.add(e.getKey() + "=" + e.getValue());
    }
    return out;
  }

  @Test
  void randomEditsLeaveTheSameFieldsInTheSameOrderAsNettysHeaders() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      Http2Headers mine = HeaderFields.trusted(2);
      Http2Headers netty = new DefaultHttp2Headers(false, 2);
      for (int step = 0; step < 25; step++) {
        CharSequence name = NAMES.get(random.nextInt(NAMES.size()));
        CharSequence value = VALUES.get(random.nextInt(VALUES.size()));
        String op = switch (random.nextInt(7)) {
          case 0, 1, 2 -> { mine.add(name, value); netty.add(name, value); yield "add"; }
          case 3 -> { mine.set(name, value); netty.set(name, value); yield "set"; }
          case 4 -> { assertThat(mine.remove(name)).isEqualTo(netty.remove(name)); yield "remove"; }
          case 5 -> {
            assertThat(String.valueOf(mine.getAndRemove(name))).isEqualTo(String.valueOf(netty.getAndRemove(name)));
            yield "getAndRemove";
          }
          default -> { mine.status(value); netty.status(value); yield "status"; }
        };
        String what = "after " + op + " " + name + " in round " + round;
        assertThat(entries(mine)).as(what).isEqualTo(entries(netty));
        assertThat(mine.size()).as(what).isEqualTo(netty.size());
        for (CharSequence n : NAMES) {
          assertThat(String.valueOf(mine.get(n))).as(what).isEqualTo(String.valueOf(netty.get(n)));
          assertThat(mine.getAll(n).toString()).as(what).isEqualTo(netty.getAll(n).toString());
          assertThat(mine.contains(n, "gEt", true)).as(what).isEqualTo(netty.contains(n, "gEt", true));
        }
        assertThat(mine).as(what).isEqualTo(netty);
        assertThat(netty).as(what).isEqualTo(mine);
      }
    }
  }

  @Test
  void pseudoHeaderFieldsComeFirstHoweverTheyWereAdded() {
    HeaderFields h = HeaderFields.trusted(1).add("content-type", "a").add("via", "b");
    h.path("/x").method("GET").status("200");
    assertThat(entries(h)).containsExactly(":path=/x", ":method=GET", ":status=200", "content-type=a", "via=b");
    assertThat(h.method()).hasToString("GET");
    assertThat(h.path()).hasToString("/x");
    assertThat(h.authority()).isNull();
  }

  @Test
  void iteratorsRemoveTheFieldTheyReturnedLast() {
    HeaderFields h = HeaderFields.trusted(4).status("200").add("a", "1").add("b", "2").add("a", "3");
    Iterator<CharSequence> values = h.valueIterator("a");
    assertThat(values.next()).hasToString("1");
    values.remove();
    assertThat(values.next()).hasToString("3");
    assertThat(values.hasNext()).isFalse();
    assertThat(entries(h)).containsExactly(":status=200", "b=2", "a=3");

    Iterator<Map.Entry<CharSequence, CharSequence>> all = h.iterator();
    all.next();
    all.remove();
    assertThat(h.status()).isNull();
    assertThat(all.next().getKey()).hasToString("b");
    assertThat(entries(h)).containsExactly("b=2", "a=3");
  }

  @Test
  void typedAccessorsConvertAsNettysDo() {
    HeaderFields h = HeaderFields.trusted(2).addInt("content-length", 42).addLong("x-big", 1L << 40);
    assertThat(h.getInt("content-length")).isEqualTo(42);
    assertThat(h.getLong("x-big")).isEqualTo(1L << 40);
    assertThat(h.getInt("x-missing", 7)).isEqualTo(7);
    h.set("x-bad", "forty");
    assertThat(h.getInt("x-bad")).isNull();
    assertThat(h.containsInt("content-length", 42)).isTrue();
  }

  @Test
  void validatedFieldsRefuseWhatAPeerMustNotSend() {
    HeaderFields h = HeaderFields.validated(4);
    assertThatThrownBy(() -> h.add("Content-Type", "a")).hasMessageContaining("uppercase header name 'Content-Type'");
    assertThatThrownBy(() -> h.add("bad name", "a")).hasMessageContaining("invalid header name");
    assertThatThrownBy(() -> h.add(":colour", "red")).hasMessageContaining("unknown pseudo-header ':colour'");
    assertThatThrownBy(() -> h.add("", "a")).hasMessageContaining("empty header name");
    assertThatThrownBy(() -> h.add("x-a", "one\r\ntwo")).hasMessageContaining("prohibited character 0xd");
    assertThatThrownBy(() -> h.add("x-a", "nul\0")).hasMessageContaining("prohibited character 0x0");
    assertThatThrownBy(() -> h.add("x-\u00e9", "a")).hasMessageContaining("invalid header name");
    assertThatThrownBy(() -> h.add(new AsciiString("x-\u00e9"), "a")).hasMessageContaining("invalid header name");
    assertThatThrownBy(() -> h.add(new AsciiString("x-a:".getBytes(), 0, 4, false), "a"))
        .hasMessageContaining("invalid header name");
    // Names that are windows on a larger array are read at their offset.
    assertThatThrownBy(() -> h.add(new AsciiString("zzX-azz".getBytes(), 2, 3, false), "a"))
        .hasMessageContaining("uppercase header name 'X-a'");
    assertThat(h.isEmpty()).isTrue();
    h.add(new AsciiString("ZZx-aZZ".getBytes(), 2, 3, false), "fine");
    h.remove("x-a");

    h.add(":method", "GET").add("x-a", "fine, with\ttab");
    assertThat(h.size()).isEqualTo(2);
    assertThat(HeaderFields.trusted(1).add("Mixed-Case", "x").get("Mixed-Case")).hasToString("x");

    // Once the peer's fields are in, what the proxy adds is its own and is not checked again.
    h.peerFieldsComplete();
    assertThat(h.add("X-Unchecked", "a").get("X-Unchecked")).hasToString("a");
  }

  /** A request from a peer, through the proxy's own HTTP/2 server handler. */
  private static List<String> serve(Http2Headers request) {
    List<String> seen = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel();
    H2Handlers.addTo(channel.pipeline(), H2Handlers.server(new Http2FrameAdapter() {
      @Override
      public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
          short weight, boolean exclusive, int padding, boolean endOfStream) {
        seen.add(headers.getClass().getSimpleName() + " " + entries(headers));
      }
    }, Duration.ofSeconds(1), H2Handlers.Limits.DEFAULT));
    channel.writeInbound(H2TestPeer.prefaceAndSettings(new Http2Settings()));
    ByteBuf frames = H2TestPeer.clientBytes((w, ctx) -> w.writeHeaders(ctx, 1, request, 0, true, ctx.newPromise()));
    channel.writeInbound(frames);
    H2TestPeer.readWritten(channel, new Http2FrameAdapter() {
      @Override
      public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        seen.add("RST_STREAM " + streamId + " " + Http2Error.valueOf(errorCode));
      }

      @Override
      public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        seen.add("GOAWAY " + Http2Error.valueOf(errorCode) + " " + debugData.toString(StandardCharsets.UTF_8));
      }
    });
    channel.finishAndReleaseAll();
    return seen;
  }

  private static Http2Headers get() {
    return new DefaultHttp2Headers(false).method("GET").scheme("http").authority("a.example").path("/");
  }

  @Test
  void theDecoderFillsHeaderFields() {
    assertThat(serve(get().add("x-a", "1")))
        .containsExactly("HeaderFields [:method=GET, :scheme=http, :authority=a.example, :path=/, x-a=1]");
  }

  @Test
  void theDecoderResetsAStreamWhoseFieldsAPeerMustNotSend() {
    assertThat(serve(get().add("X-Upper", "1"))).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    assertThat(serve(get().add("x-a", "a\nb"))).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    assertThat(serve(get().add(":colour", "red"))).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
    assertThat(serve(get().add("connection", "close"))).containsExactly("RST_STREAM 1 PROTOCOL_ERROR");
  }
}
