package dev.lattice.demo.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lattice.demo.runtime.Workload;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web workload: an HTTP/1.1 server (the JDK's, one virtual thread per request) serving the page from
 * class-path resources and the JSON API, with plaintext gRPC channels to the emoji and voting services.
 */
public final class WebWorkload implements Workload {
  private static final Logger log = LoggerFactory.getLogger(WebWorkload.class);
  private static final Map<String, Asset> ASSETS =
      Map.of(
          "/", new Asset("index.html", "text/html; charset=utf-8"),
          "/index.html", new Asset("index.html", "text/html; charset=utf-8"),
          "/leaderboard", new Asset("index.html", "text/html; charset=utf-8"),
          "/app.js", new Asset("app.js", "text/javascript; charset=utf-8"),
          "/style.css", new Asset("style.css", "text/css; charset=utf-8"));

  private final HttpServer server;
  private final ExecutorService executor;
  private final ManagedChannel emojiChannel;
  private final ManagedChannel votingChannel;
  private final JsonApi api;
  private final JsonMapper json = JsonMapper.builder().build();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  private record Asset(String resource, String contentType) {}

  private WebWorkload(WebConfig config) throws IOException {
    // Channels connect lazily, so the web starts even while emoji and voting are still starting:
    // until they are up, API calls answer 500 and the page says why.
    this.emojiChannel = NettyChannelBuilder.forTarget(config.emojiTarget()).usePlaintext().build();
    this.votingChannel = NettyChannelBuilder.forTarget(config.votingTarget()).usePlaintext().build();
    this.api = new JsonApi(emojiChannel, votingChannel);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.server = HttpServer.create(config.listen(), 0);
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
  }

  /** Binds and starts serving; port 0 picks a free port (see {@link #address()}). */
  public static WebWorkload start(WebConfig config) {
    try {
      return new WebWorkload(config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + config.listen(), e);
    }
  }

  /** The bound address, with the real port. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(1); // waits up to 1 s for exchanges in flight
    executor.close();
    for (ManagedChannel channel : new ManagedChannel[] {emojiChannel, votingChannel}) {
      channel.shutdown();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      channel.shutdownNow();
    }
    stopped.countDown();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.startsWith("/api/")) {
        if (!method.equals("GET") && !method.equals("POST")) {
          exchange.getResponseHeaders().set("Allow", "GET, POST");
          sendJson(exchange, new JsonApi.Reply(405, new JsonApi.ErrorBody("method " + method + " not allowed")));
          return;
        }
        // A bad %-escape never gets here: the JDK server answers 400 when the request URI does not parse.
        JsonApi.Reply reply = api.handle(path, query(exchange.getRequestURI().getRawQuery()));
        if (reply.status() >= 500) {
          log.warn("{} {} -> {} {}", method, exchange.getRequestURI(), reply.status(), reply.body());
        }
        sendJson(exchange, reply);
        return;
      }
      Asset asset = ASSETS.get(path);
      if (asset == null || !method.equals("GET") && !method.equals("HEAD")) {
        byte[] body = "not found\n".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      byte[] body = resource(asset.resource());
      exchange.getResponseHeaders().set("Content-Type", asset.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    } catch (RuntimeException e) {
      // The JDK server would silently drop the connection; log it, since the client will only see a reset.
      log.error("request {} failed", exchange.getRequestURI(), e);
      throw e;
    }
  }

  private void sendJson(HttpExchange exchange, JsonApi.Reply reply) throws IOException {
    byte[] body = json.writeValueAsBytes(reply.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(reply.status(), body.length);
    exchange.getResponseBody().write(body);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = WebWorkload.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource dev/lattice/demo/web/" + name);
      }
      return in.readAllBytes();
    }
  }

  /** Decodes {@code a=1&b=2}; the first value of a repeated name wins. */
  static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }
}
