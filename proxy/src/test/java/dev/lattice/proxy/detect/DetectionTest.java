package dev.lattice.proxy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DetectionTest {
  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void httpDetectionTellsH2Http1AndOpaqueApart() {
    assertThat(HttpDetection.detect(ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))).isEqualTo(HttpDetection.Result.H2);
    assertThat(HttpDetection.detect(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))).isEqualTo(HttpDetection.Result.HTTP1);
    assertThat(HttpDetection.detect(ascii("POST /a/very/long/path/that/does/not/end"))).isEqualTo(HttpDetection.Result.HTTP1);
    assertThat(HttpDetection.detect(ascii("GET / HTTP/2.0\r\n"))).isEqualTo(HttpDetection.Result.NOT_HTTP);
    assertThat(HttpDetection.detect(ascii("SSH-2.0-OpenSSH_9.2\r\n"))).isEqualTo(HttpDetection.Result.NOT_HTTP);
    assertThat(HttpDetection.detect(ascii("\u0016\u0003\u0001\u0002\u0000\u0001"))).isEqualTo(HttpDetection.Result.NOT_HTTP);
    assertThat(HttpDetection.detect(ascii("GET /"))).isEqualTo(HttpDetection.Result.NEED_MORE);
    assertThat(HttpDetection.detect(ascii("PRI * HT"))).isEqualTo(HttpDetection.Result.NEED_MORE);
    assertThat(HttpDetection.detect(ascii("AAAAAAAAAAAAAAAAAAAA"))).isEqualTo(HttpDetection.Result.NOT_HTTP);
  }

  @Test
  void detectionNeverMovesTheReaderIndex() {
    ByteBuf b = ascii("GET / HTTP/1.1\r\n");
    HttpDetection.detect(b);
    ClientHello.parse(b);
    assertThat(b.readerIndex()).isZero();
  }

  @Test
  void clientHelloSniIsReadFromARealClientHello() throws Exception {
    // A ClientHello produced by the JDK's own TLS engine, so the parser meets the real layout.
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
    ctx.init(null, null, null);
    javax.net.ssl.SSLEngine engine = ctx.createSSLEngine("web.emojivoto.serviceaccount.identity.linkerd.cluster.local", 4143);
    engine.setUseClientMode(true);
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(32 * 1024);
    engine.wrap(java.nio.ByteBuffer.allocate(0), out);
    out.flip();
    ByteBuf hello = Unpooled.wrappedBuffer(out);

    assertThat(ClientHello.parse(hello)).isEqualTo(
        new ClientHello.Result.Sni("web.emojivoto.serviceaccount.identity.linkerd.cluster.local"));
    assertThat(ClientHello.parse(hello.slice(0, 40))).isInstanceOf(ClientHello.Result.NeedMore.class);
    assertThat(ClientHello.parse(ascii("GET / HTTP/1.1\r\n"))).isInstanceOf(ClientHello.Result.NotTls.class);
  }
}
