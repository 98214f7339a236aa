package dev.lattice.proxy.http;

import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;

/** HTTP/2 windows as Linkerd's defaults: 64 KiB per stream, 1 MiB for the connection. */
final class H2Settings {
  static final int STREAM_WINDOW = 65_535;
  static final int CONNECTION_WINDOW = 1 << 20;

  private H2Settings() {}

  /** Widens the connection's receive window; the handler must already be in its pipeline. */
  static void widenConnectionWindow(Http2ConnectionHandler handler) {
    Http2Connection connection = handler.connection();
    try {
      connection.local().flowController().incrementWindowSize(connection.connectionStream(), CONNECTION_WINDOW - 65_535);
    } catch (Http2Exception e) {
      // Only possible if the window would overflow; the default window still works.
    }
  }
}
