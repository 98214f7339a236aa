package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.testing.ScriptedHttp1App;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1 pool against a real server on loopback: connections are reused while idle, closed
 * once idle longer than the timeout, and the idle sweep — which stops when nothing is idle, so a
 * pool per unmeshed destination costs no timer — starts again with the next idle connection.
 */
class H1PoolTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private ScriptedHttp1App app;
  private H1Pool pool;

  @BeforeEach
  void start() throws Exception {
    app = new ScriptedHttp1App();
    pool = new H1Pool(this::connect, Duration.ofMillis(300), 100);
  }

  @AfterEach
  void stop() throws Exception {
    pool.close();
    app.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void reusesAnIdleConnectionThenClosesItAfterTheIdleTimeout() throws Exception {
    assertThat(get("/one")).isEqualTo("200");
    assertThat(get("/two")).isEqualTo("200");
    assertThat(app.connections.get()).as("the second request reuses the first connection").isEqualTo(1);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(app.closed).containsExactly(1));
  }

  @Test
  void theIdleSweepStartsAgainAfterThePoolWasEmpty() throws Exception {
    assertThat(get("/one")).isEqualTo("200");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(app.closed).containsExactly(1));

    assertThat(get("/again")).isEqualTo("200");
    assertThat(app.connections.get()).as("the closed connection is not handed out").isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(app.closed).containsExactlyInAnyOrder(1, 2));
  }

  /** Sends a body-less GET through the pool and returns the response status. */
  private String get(String path) throws Exception {
    CompletableFuture<String> status = new CompletableFuture<>();
    EventLoop loop = group.next();
    Http2Headers head = new DefaultHttp2Headers().method("GET").path(path).scheme("http").authority("app");
    loop.submit(() -> pool.send(head, true, new ResponseListener() {
      private String code;

      @Override
      public EventLoop loop() {
        return loop;
      }

      @Override
      public void responseHead(Http2Headers h, boolean endOfStream) {
        code = h.status().toString();
        if (endOfStream) {
          status.complete(code);
        }
      }

      @Override
      public void responseData(ByteBuf data, boolean endOfStream, BodySource source) {
        int n = data.readableBytes();
        data.release();
        source.consumed(n);
        if (endOfStream) {
          status.complete(code);
        }
      }

      @Override
      public void responseTrailers(Http2Headers trailers) {
        status.complete(code);
      }

      @Override
      public void upstreamFailed(Throwable cause, boolean unprocessed) {
        status.completeExceptionally(cause);
      }

      @Override
      public void switchedProtocols(Http2Headers h, io.netty.channel.Channel upstream, ByteBuf early) {
        status.completeExceptionally(new AssertionError("no upgrade was asked for"));
      }

      @Override
      public void responseAborted() {
        status.completeExceptionally(new IllegalStateException("response aborted"));
      }
    })).sync();
    return status.get(10, TimeUnit.SECONDS);
  }

  private Future<Channel> connect(EventLoop loop) {
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(app.address());
    f.addListener(x -> {
      if (f.isSuccess()) {
        promise.setSuccess(f.channel());
      } else {
        promise.setFailure(f.cause());
      }
    });
    return promise;
  }
}
