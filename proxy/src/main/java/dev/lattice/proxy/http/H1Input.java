package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The reading half of an HTTP/1 connection: its {@link H1Parser} and the bytes read but not
 * parsed yet (part of a head, or messages behind a paused one). Runs on the connection's loop.
 */
final class H1Input {
  private final H1Parser parser;
  private ByteBuf waiting;
  private boolean parsing;

  H1Input(H1Parser.Kind kind, H1Parser.Sink sink) {
    this.parser = new H1Parser(kind, sink);
  }

  H1Parser parser() {
    return parser;
  }

  /** Takes a read's bytes (ownership passes on) and parses what it can. */
  void read(ByteBufAllocator alloc, ByteBuf in) {
    waiting = waiting == null ? in : H1Buffers.append(alloc, waiting, in);
    parseWaiting();
  }

  /**
   * Parses what waits, unless a parse is already running further up this call stack (a sink
   * callback that ends an exchange resumes the parser; the running parse then carries on).
   */
  void parseWaiting() {
    if (parsing || waiting == null) {
      return;
    }
    parsing = true;
    try {
      parser.parse(waiting);
    } finally {
      parsing = false;
    }
    if (waiting != null && !waiting.isReadable()) {
      waiting.release();
      waiting = null;
    }
  }

  /** Bytes read and not parsed yet. */
  int waitingBytes() {
    return waiting == null ? 0 : waiting.readableBytes();
  }

  /** Between messages with nothing read ahead: the connection may carry another exchange. */
  boolean clean() {
    return !parser.inMessage() && waitingBytes() == 0;
  }

  /**
   * Hands over the bytes read and not parsed (ownership passes; {@code null} if none): the
   * connection switched protocols and they belong to the new one. Not from within a parse.
   */
  ByteBuf takeWaiting() {
    ByteBuf taken = waiting;
    waiting = null;
    return taken;
  }

  /** The connection closed: drops what waits. */
  void release() {
    if (waiting != null) {
      waiting.release();
      waiting = null;
    }
  }
}
