package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The client-facing end of one exchange: an HTTP/1 connection (one request at a time) or one
 * HTTP/2 stream. The exchange writes the response into it, HTTP/2-shaped; an HTTP/1 downstream
 * converts at the edge. All calls on {@link #loop()}.
 */
interface Downstream extends BodySource {
  EventLoop loop();

  boolean isHttp2();

  void responseHead(Http2Headers head, boolean endOfStream);

  /** Response body; ownership of {@code data} passes on; {@code source} hears when it left. */
  void responseData(ByteBuf data, boolean endOfStream, BodySource source);

  void responseTrailers(Http2Headers trailers);

  /** Writes out what was queued (end of a read burst or of the response). */
  void flush();

  /** The response cannot complete: reset the stream, or close the HTTP/1 connection. */
  void abort();

  /**
   * The upstream switched protocols (101) for this connection's upgrade request: answer the client
   * with {@code head} and from then on relay bytes both ways between it and {@code upstream},
   * {@code early} first. Only an HTTP/1 downstream asks for an upgrade.
   */
  void switchProtocols(Http2Headers head, Channel upstream, ByteBuf early);

  /**
   * The exchange is over. {@code requestComplete} says whether the client's request was read to its
   * end; {@code keepAlive} whether the HTTP/1 connection may carry another request.
   */
  void finished(Exchange exchange, boolean requestComplete, boolean keepAlive);
}
