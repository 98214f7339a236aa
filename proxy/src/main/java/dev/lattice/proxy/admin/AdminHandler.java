package dev.lattice.proxy.admin;

import dev.lattice.api.LogFilter;
import dev.lattice.proxy.log.ProxyLogs;
import dev.lattice.proxy.metrics.MetricsRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one admin request to its endpoint and writes the answer. Runs on the admin event loop; the
 * only blocking it does is rendering metrics (which reads a few {@code /proc} files).
 */
@Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4";
  static final String NOT_LOCALHOST = "Requests are only permitted from localhost.\n";
  private static final String TEXT = "text/plain";
  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

  private final MetricsRegistry metrics;
  private final Readiness readiness;
  private final Runnable onShutdown;
  private final boolean shutdownEnabled;
  private final EnvJson envJson;
  private final ProxyLogs logs;

  AdminHandler(MetricsRegistry metrics, Readiness readiness, Runnable onShutdown, boolean shutdownEnabled,
      Map<String, String> env, ProxyLogs logs) {
    this.logs = logs;
    this.metrics = metrics;
    this.readiness = readiness;
    this.onShutdown = onShutdown;
    this.shutdownEnabled = shutdownEnabled;
    this.envJson = new EnvJson(env);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      // Not HTTP, or broken HTTP: answer once and hang up, since the stream cannot be resynchronised.
      write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
      return;
    }
    Reply reply;
    boolean shutdownRequested = false;
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    switch (uri.path()) {
      case "/metrics" -> reply = metrics(request);
      case "/ready" -> reply = readiness.isReady()
          ? Reply.text(HttpResponseStatus.OK, "ready\n")
          : Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
      case "/live" -> reply = Reply.text(HttpResponseStatus.OK, "live\n");
      case "/shutdown" -> {
        reply = shutdown(ctx.channel().remoteAddress(), request.method());
        shutdownRequested = reply.status().equals(HttpResponseStatus.OK);
      }
      case "/env.json" -> reply = envJson.respond(request, uri);
      case "/proxy-log-level" -> reply = logLevel(ctx.channel().remoteAddress(), request);
      default -> reply = new Reply(HttpResponseStatus.NOT_FOUND, null, new byte[0], null, null);
    }
    var future = write(ctx, reply, HttpUtil.isKeepAlive(request));
    if (shutdownRequested) {
      // Off the event loop: the callback may well close this server and wait for the loop to end.
      future.addListener(f -> Thread.ofPlatform().name("lattice-admin-shutdown").start(onShutdown));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Read timeouts and resets from clients are routine; never let them reach the console as errors.
    log.debug("admin connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private Reply metrics(FullHttpRequest request) {
    byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
    if (acceptsGzip(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING))) {
      return new Reply(HttpResponseStatus.OK, METRICS_CONTENT_TYPE, gzip(body), "gzip", null);
    }
    return new Reply(HttpResponseStatus.OK, METRICS_CONTENT_TYPE, body, null, null);
  }

  /** Order as Linkerd: method, then origin, then whether the endpoint is enabled. */
  private Reply shutdown(SocketAddress remote, HttpMethod method) {
    if (!method.equals(HttpMethod.POST)) {
      return Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n").allow("POST");
    }
    if (!isLoopback(remote)) {
      return Reply.text(HttpResponseStatus.FORBIDDEN, NOT_LOCALHOST);
    }
    if (!shutdownEnabled) {
      return Reply.text(HttpResponseStatus.NOT_FOUND, "shutdown endpoint is not enabled\n");
    }
    log.info("Shutdown requested through the admin server");
    return Reply.text(HttpResponseStatus.OK, "shutdown\n");
  }

  /**
   * §10: GET shows the log filter, PUT replaces it (204; 400 naming what is wrong), from loopback
   * only. The new filter applies at once to every logger.
   */
  private Reply logLevel(SocketAddress remote, FullHttpRequest request) {
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.PUT)) {
      return Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n").allow("GET, PUT");
    }
    if (!isLoopback(remote)) {
      return Reply.text(HttpResponseStatus.FORBIDDEN, NOT_LOCALHOST);
    }
    if (method.equals(HttpMethod.GET)) {
      return Reply.text(HttpResponseStatus.OK, logs.filter().text());
    }
    String wanted = request.content().toString(StandardCharsets.UTF_8);
    try {
      LogFilter next = LogFilter.parse(wanted);
      logs.filter(next);
      log.info("Log filter set to '{}' through the admin server", next.text());
      return new Reply(HttpResponseStatus.NO_CONTENT, null, new byte[0], null, null);
    } catch (IllegalArgumentException e) {
      return Reply.text(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
    }
  }

  static boolean isLoopback(SocketAddress remote) {
    // IPv4-mapped IPv6 clients arrive as Inet4Address already, so 127/8 covers them too.
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress();
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] params = part.trim().split(";");
      if (!params[0].trim().equalsIgnoreCase("gzip")) {
        continue;
      }
      for (int i = 1; i < params.length; i++) {
        String param = params[i].trim();
        if (param.startsWith("q=")) {
          try {
            return Double.parseDouble(param.substring(2)) > 0;
          } catch (NumberFormatException e) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static io.netty.channel.ChannelFuture write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, reply.status(), Unpooled.wrappedBuffer(reply.body()));
    if (reply.contentType() != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    }
    if (reply.contentEncoding() != null) {
      response.headers().set(HttpHeaderNames.CONTENT_ENCODING, reply.contentEncoding());
    }
    if (reply.allow() != null) {
      response.headers().set(HttpHeaderNames.ALLOW, reply.allow());
    }
    HttpUtil.setContentLength(response, reply.body().length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
    return ctx.writeAndFlush(response);
  }

  /** An answer before it becomes Netty objects; null headers are left out. */
  record Reply(HttpResponseStatus status, String contentType, byte[] body, String contentEncoding, String allow) {
    static Reply text(HttpResponseStatus status, String body) {
      return new Reply(status, TEXT, body.getBytes(StandardCharsets.UTF_8), null, null);
    }

    static Reply json(HttpResponseStatus status, String body) {
      return new Reply(status, "application/json", body.getBytes(StandardCharsets.UTF_8), null, null);
    }

    Reply allow(String methods) {
      return new Reply(status, contentType, body, contentEncoding, methods);
    }
  }
}
