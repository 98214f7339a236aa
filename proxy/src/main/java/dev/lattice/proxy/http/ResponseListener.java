package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Hears an upstream's answer to one request. Every call arrives on {@link #loop()}, in order; the
 * message is HTTP/2-shaped whatever the upstream spoke ({@code :status} plus regular headers).
 */
interface ResponseListener {
  EventLoop loop();

  /** The final response head; informational (1xx) heads are never delivered. */
  void responseHead(Http2Headers head, boolean endOfStream);

  /** Body bytes; the listener owns {@code data} and tells {@code source} once they are gone. */
  void responseData(ByteBuf data, boolean endOfStream, BodySource source);

  void responseTrailers(Http2Headers trailers);

  /**
   * No response will come. {@code unprocessed} is true only when the upstream provably did not
   * act on the request (GOAWAY above its stream, REFUSED_STREAM, or a connection that closed before
   * the request went out), so a body-less request may be sent again. Connect failures are not.
   */
  void upstreamFailed(Throwable cause, boolean unprocessed);

  /** The upstream broke off after the response head: the client cannot be told cleanly. */
  void responseAborted();

  /**
   * The upstream answered an {@link Upstream#sendUpgrade upgrade request} with 101 ({@code head},
   * with the {@code upgrade} protocol among its fields): the exchange is over and {@code upstream}
   * now carries the new protocol, its first bytes in {@code early} ({@code null} if none). The
   * listener owns both.
   */
  void switchedProtocols(Http2Headers head, Channel upstream, ByteBuf early);

}
