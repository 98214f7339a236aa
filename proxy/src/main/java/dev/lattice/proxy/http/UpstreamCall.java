package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The rest of one request on its way upstream, after its head. Callable from the exchange's loop;
 * implementations hop to their connection's loop and keep the order of calls.
 */
interface UpstreamCall {
  /** More request body; ownership of {@code data} passes on; {@code source} hears when it left. */
  void data(ByteBuf data, boolean endOfStream, BodySource source);

  void trailers(Http2Headers trailers);

  /** Abandons the request (client gone or response already complete): reset or close. */
  void cancel();
}
