package dev.lattice.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.LogFilter;
import dev.lattice.proxy.log.ProxyLogs;
import dev.lattice.proxy.metrics.MetricsRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * Requests from addresses a loopback test socket cannot have, through the real codec and handler in an
 * {@link EmbeddedChannel} whose peer address we choose.
 */
class AdminHandlerTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
  private final AtomicInteger shutdowns = new AtomicInteger();
  private final ProxyLogs logs = new ProxyLogs(LogFilter.parse("warn,linkerd=info"), new PrintStream(OutputStream.nullOutputStream()));

  @Test
  void shutdownFromAnotherHostIsForbidden() {
    FullHttpResponse response = request(new InetSocketAddress("10.1.2.3", 40000), HttpMethod.POST, "/shutdown");
    assertThat(response.status().code()).isEqualTo(403);
    assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo(AdminHandler.NOT_LOCALHOST);
    assertThat(shutdowns.get()).isZero();
    response.release();
  }

  @Test
  void shutdownFromIpv6LoopbackIsAllowed() {
    FullHttpResponse response = request(new InetSocketAddress("::1", 40000), HttpMethod.POST, "/shutdown");
    assertThat(response.status().code()).isEqualTo(200);
    response.release();
  }

  @Test
  void probesAndScrapesWorkFromAnywhere() {
    for (String path : new String[] {"/live", "/ready", "/metrics"}) {
      FullHttpResponse response = request(new InetSocketAddress("10.1.2.3", 40000), HttpMethod.GET, path);
      assertThat(response.status().code()).as(path).isIn(200, 503);
      response.release();
    }
  }

  @Test
  void recognisesLoopbackPeers() {
    assertThat(AdminHandler.isLoopback(new InetSocketAddress("127.0.0.1", 1))).isTrue();
    assertThat(AdminHandler.isLoopback(new InetSocketAddress("127.10.0.1", 1))).isTrue();
    assertThat(AdminHandler.isLoopback(new InetSocketAddress("::ffff:127.0.0.1", 1))).isTrue();
    assertThat(AdminHandler.isLoopback(new InetSocketAddress("::1", 1))).isTrue();
    assertThat(AdminHandler.isLoopback(new InetSocketAddress("192.168.1.1", 1))).isFalse();
    assertThat(AdminHandler.isLoopback(InetSocketAddress.createUnresolved("localhost", 1))).isFalse();
  }

  @Test
  void readsAcceptEncoding() {
    assertThat(AdminHandler.acceptsGzip("gzip")).isTrue();
    assertThat(AdminHandler.acceptsGzip("deflate, GZIP;q=0.5")).isTrue();
    assertThat(AdminHandler.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(AdminHandler.acceptsGzip("identity")).isFalse();
    assertThat(AdminHandler.acceptsGzip(null)).isFalse();
  }

  @Test
  void theLogFilterIsShownAndReplacedFromLoopbackAndTakesEffectAtOnce() {
    Logger relay = logs.getLogger("dev.lattice.proxy.http.Exchange");
    assertThat(relay.isDebugEnabled()).isFalse();

    FullHttpResponse shown = request(LOOPBACK, HttpMethod.GET, "/proxy-log-level");
    assertThat(shown.status().code()).isEqualTo(200);
    assertThat(shown.content().toString(StandardCharsets.UTF_8)).isEqualTo("warn,linkerd=info");
    shown.release();

    FullHttpResponse set = request(LOOPBACK, HttpMethod.PUT, "/proxy-log-level", "warn,linkerd=debug");
    assertThat(set.status().code()).isEqualTo(204);
    set.release();
    assertThat(relay.isDebugEnabled()).as("a logger made before the change").isTrue();
    assertThat(logs.getLogger("io.netty.channel.Foo").isInfoEnabled()).isFalse();

    FullHttpResponse again = request(LOOPBACK, HttpMethod.GET, "/proxy-log-level");
    assertThat(again.content().toString(StandardCharsets.UTF_8)).isEqualTo("warn,linkerd=debug");
    again.release();
  }

  @Test
  void aBadFilterIs400NamingTheProblemAndChangesNothing() {
    FullHttpResponse bad = request(LOOPBACK, HttpMethod.PUT, "/proxy-log-level", "warn,linkerd=loud");
    assertThat(bad.status().code()).isEqualTo(400);
    assertThat(bad.content().toString(StandardCharsets.UTF_8)).contains("'loud' is not a level");
    bad.release();
    assertThat(logs.filter().text()).isEqualTo("warn,linkerd=info");
  }

  @Test
  void theLogFilterIsForLoopbackAndGetOrPutOnly() {
    FullHttpResponse remote = request(new InetSocketAddress("10.1.2.3", 40000), HttpMethod.PUT, "/proxy-log-level", "trace");
    assertThat(remote.status().code()).isEqualTo(403);
    remote.release();
    FullHttpResponse post = request(LOOPBACK, HttpMethod.POST, "/proxy-log-level", "trace");
    assertThat(post.status().code()).isEqualTo(405);
    assertThat(post.headers().get("allow")).isEqualTo("GET, PUT");
    post.release();
    assertThat(logs.filter().text()).isEqualTo("warn,linkerd=info");
  }

  private FullHttpResponse request(SocketAddress peer, HttpMethod method, String path) {
    return request(peer, method, path, "");
  }

  private FullHttpResponse request(SocketAddress peer, HttpMethod method, String path, String body) {
    AdminHandler handler = new AdminHandler(new MetricsRegistry(), () -> true, shutdowns::incrementAndGet, true, Map.of(), logs);
    EmbeddedChannel server = new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return peer;
      }
    };
    server.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), handler);
    EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(65536));
    DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    HttpUtil.setContentLength(request, request.content().readableBytes());
    client.writeOutbound(request);
    ByteBuf bytes;
    while ((bytes = client.readOutbound()) != null) {
      server.writeInbound(bytes);
    }
    while ((bytes = server.readOutbound()) != null) {
      client.writeInbound(bytes);
    }
    FullHttpResponse response = client.readInbound();
    server.finishAndReleaseAll();
    client.finishAndReleaseAll();
    return response;
  }
}
