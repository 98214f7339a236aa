package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The parts of a request (body pieces, trailers) sent before its upstream connection was there,
 * held in order until it is. Bounded by the client's own backpressure: every held piece is still
 * unacknowledged at its {@link BodySource}.
 */
final class HeldRequestParts {
  private ArrayDeque<Object> parts;

  /** Writes one held body piece onward. */
  @FunctionalInterface
  interface BodyWriter {
    void write(ByteBuf data, boolean endOfStream, BodySource source);
  }

  void body(ByteBuf data, boolean endOfStream, BodySource source) {
    parts().add(new Body(data, endOfStream, source));
  }

  void trailers(Http2Headers trailers) {
    parts().add(trailers);
  }

  /** Whether nothing is held: the usual case, a connection that was there before the first part. */
  boolean isEmpty() {
    return parts == null || parts.isEmpty();
  }

  /** Hands every held part, in order, to the writers. */
  void drain(BodyWriter body, Consumer<Http2Headers> trailers) {
    if (parts == null) {
      return;
    }
    Object part;
    while ((part = parts.poll()) != null) {
      if (part instanceof Body b) {
        body.write(b.data, b.end, b.source);
      } else {
        trailers.accept((Http2Headers) part);
      }
    }
  }

  /** Drops what is held; each body piece is reported consumed so its source is not left paused. */
  void release() {
    if (isEmpty()) {
      return; // no writers (and no lambdas) for nothing
    }
    drain((data, end, source) -> {
      int n = data.readableBytes();
      data.release();
      source.consumed(n);
    }, trailers -> {});
  }

  private ArrayDeque<Object> parts() {
    if (parts == null) {
      parts = new ArrayDeque<>(4);
    }
    return parts;
  }

  private record Body(ByteBuf data, boolean end, BodySource source) {}
}
