package dev.lattice.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransportHeaderTest {
  @Test
  void encodesLinkerdsWireFormat() {
    ByteBuf out = Unpooled.buffer();
    TransportHeader.http(8080, TransportHeader.SessionProtocol.HTTP2).encode(out);

    // preface, length 7, then port=8080 (08 90 3f) and session_protocol { http2 {} } (1a 02 12 00)
    assertThat(ByteBufUtil.hexDump(out)).isEqualTo(
        ByteBufUtil.hexDump("transport.l5d.io/v1\r\n\r\n".getBytes()) + "00000007" + "08903f" + "1a021200");
  }

  @Test
  void roundTripsAndLeavesFollowingBytesAlone() {
    ByteBuf buf = Unpooled.buffer();
    new TransportHeader(5432, Optional.of("db.example:5432"), Optional.empty()).encode(buf);
    buf.writeBytes("payload".getBytes());

    assertThat(TransportHeader.decode(buf)).contains(new TransportHeader(5432, Optional.of("db.example:5432"), Optional.empty()));
    assertThat(buf.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("payload");
  }

  @Test
  void waitsForMoreBytesAndRejectsGarbage() {
    ByteBuf whole = Unpooled.buffer();
    TransportHeader.opaque(6379).encode(whole);
    ByteBuf partial = whole.slice(0, whole.readableBytes() - 1);
    assertThat(TransportHeader.decode(partial)).isEmpty();
    assertThat(partial.readerIndex()).isZero();

    assertThatThrownBy(() -> TransportHeader.decode(Unpooled.copiedBuffer("GET / HTTP/1.1".getBytes())))
        .isInstanceOf(TransportHeader.Malformed.class).hasMessageContaining("preface");
    ByteBuf huge = Unpooled.buffer().writeBytes(TransportHeader.PREFACE).writeInt(1 << 20);
    assertThatThrownBy(() -> TransportHeader.decode(huge)).hasMessageContaining("exceeds");
    ByteBuf noPort = Unpooled.buffer().writeBytes(TransportHeader.PREFACE).writeInt(0);
    assertThatThrownBy(() -> TransportHeader.decode(noPort)).hasMessageContaining("port 0");
  }
}
