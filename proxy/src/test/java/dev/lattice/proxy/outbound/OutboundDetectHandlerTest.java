package dev.lattice.proxy.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Spotting an HTTP/1 protocol switch in the peeked bytes. */
class OutboundDetectHandlerTest {
  @Test
  void findsAnUpgradeHeaderInAnyCase() {
    assertThat(upgrade("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")).isTrue();
    assertThat(upgrade("GET /ws HTTP/1.1\r\nHost: x\r\nUPGRADE : h2c\r\n\r\n")).isTrue();
    // The head may still be incomplete: what arrived so far counts.
    assertThat(upgrade("GET /ws HTTP/1.1\r\nupgrade: websocket\r\nSec-WebSocket-Key: abc")).isTrue();
  }

  @Test
  void ignoresLookalikesAndWhatFollowsTheHead() {
    assertThat(upgrade("GET /upgrade HTTP/1.1\r\nHost: upgrade\r\nX-Upgrade: no\r\nUpgraded-By: me\r\n\r\n")).isFalse();
    assertThat(upgrade("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\nUpgrade: in the body")).isFalse();
    assertThat(upgrade("GET / HTTP/1.1\r\nUpgrade")).isFalse();
  }

  @Test
  void leavesTheReaderIndexAlone() {
    ByteBuf b = Unpooled.copiedBuffer("GET / HTTP/1.1\r\nUpgrade: ws\r\n\r\n", StandardCharsets.US_ASCII);
    OutboundDetectHandler.asksForUpgrade(b);
    assertThat(b.readerIndex()).isZero();
    b.release();
  }

  private static boolean upgrade(String head) {
    ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII);
    try {
      return OutboundDetectHandler.asksForUpgrade(b);
    } finally {
      b.release();
    }
  }
}
