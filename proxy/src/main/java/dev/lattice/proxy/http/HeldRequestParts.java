package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayDeque;

/**
 * The parts of a request (body pieces, trailers) sent before its upstream connection was there,
 * held in order until it is. Bounded by the client's own backpressure: every held piece is still
 * unacknowledged at its {@link BodySource}.
 */
final class HeldRequestParts {
  private ArrayDeque<Object> parts;

  /**
   * Where held parts go once the upstream is there: the call itself implements it, so handing
   * the parts on builds no writer objects per request.
   */
  interface Writer {
    void writeData(ByteBuf data, boolean endOfStream, BodySource source);

    void writeTrailers(Http2Headers trailers);
  }

  /** Drops body pieces, reporting them consumed so their source is not left paused. */
  private static final Writer DISCARD = new Writer() {
    @Override
    public void writeData(ByteBuf data, boolean endOfStream, BodySource source) {
      int n = data.readableBytes();
      data.release();
      source.consumed(n);
    }

    @Override
    public void writeTrailers(Http2Headers trailers) {}
  };

  void body(ByteBuf data, boolean endOfStream, BodySource source) {
    parts().add(new Body(data, endOfStream, source));
  }

  void trailers(Http2Headers trailers) {
    parts().add(trailers);
  }

  /** Hands every held part, in order, to {@code writer}. */
  void drain(Writer writer) {
    if (parts == null) {
      return; // the usual case: the upstream was there before the first part
    }
    Object part;
    while ((part = parts.poll()) != null) {
      if (part instanceof Body b) {
        writer.writeData(b.data, b.end, b.source);
      } else {
        writer.writeTrailers((Http2Headers) part);
      }
    }
  }

  /** Drops what is held; each body piece is reported consumed so its source is not left paused. */
  void release() {
    drain(DISCARD);
  }

  private ArrayDeque<Object> parts() {
    if (parts == null) {
      parts = new ArrayDeque<>(4);
    }
    return parts;
  }

  private record Body(ByteBuf data, boolean end, BodySource source) {}
}
