package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Keeps the bytes an HTTP/1 connection read but could not parse yet, followed by the next read. */
final class H1Buffers {
  private H1Buffers() {}

  /**
   * {@code waiting} followed by {@code in}, releasing both. Appends in place only when nothing
   * else holds {@code waiting}: body slices handed onward share its memory.
   */
  static ByteBuf append(ByteBufAllocator alloc, ByteBuf waiting, ByteBuf in) {
    if (!waiting.isReadable()) {
      waiting.release();
      return in;
    }
    if (waiting.refCnt() == 1 && !waiting.isReadOnly() && waiting.maxFastWritableBytes() >= in.readableBytes()) {
      waiting.writeBytes(in);
      in.release();
      return waiting;
    }
    ByteBuf merged = alloc.buffer(waiting.readableBytes() + in.readableBytes());
    merged.writeBytes(waiting).writeBytes(in);
    waiting.release();
    in.release();
    return merged;
  }
}
