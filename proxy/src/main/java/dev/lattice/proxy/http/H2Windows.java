package dev.lattice.proxy.http;

import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;

/** Connection-level HTTP/2 receive window: streams keep 64 KiB each, the connection gets 1 MiB. */
final class H2Windows {
  private H2Windows() {}

  static void widenConnectionWindow(Http2FrameCodec codec) {
    Http2Connection connection = codec.connection();
    int delta = HttpServers.CONNECTION_WINDOW - 65_535;
    try {
      connection.local().flowController().incrementWindowSize(connection.connectionStream(), delta);
    } catch (Http2Exception e) {
      // Only possible if the window would overflow; the default window still works.
    }
  }
}
