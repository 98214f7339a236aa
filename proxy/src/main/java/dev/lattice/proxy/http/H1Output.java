package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The writing half of an HTTP/1 connection, one message at a time: a head, then its body in the
 * framing the head announced, then the end. The head of a message with a body waits for the
 * first body piece, and a small piece is copied behind it (with its chunk line), so a typical
 * response leaves as one buffer in one write. Runs on the connection's loop.
 */
final class H1Output {
  private final ChannelHandlerContext ctx;
  private ByteBuf pendingHead;
  private boolean chunked;
  private boolean chunkOpen;
  private boolean discardBody;

  H1Output(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Starts a message with its encoded {@code head}. {@code chunked}: the body goes out in chunks;
   * {@code discardBody}: the message may not have one (a response to HEAD, a 204 or 304), so any
   * body bytes are dropped. A head that ends its message is written at once.
   */
  void head(ByteBuf head, boolean endOfMessage, boolean chunked, boolean discardBody) {
    writePendingHead();
    this.chunked = chunked;
    this.chunkOpen = false;
    this.discardBody = discardBody;
    if (endOfMessage) {
      ctx.write(head, ctx.voidPromise());
    } else {
      pendingHead = head;
    }
  }

  /** A body piece (ownership passes on); {@code source} hears when its bytes left. */
  void data(ByteBuf data, boolean endOfMessage, BodySource source) {
    int n = data.readableBytes();
    if (discardBody) {
      data.release();
      source.consumed(n);
      writePendingHead();
      return;
    }
    ByteBuf before = pendingHead;
    pendingHead = null;
    boolean lastChunk = endOfMessage && chunked;
    if (n <= H1Writer.COPY_THRESHOLD) {
      if (n == 0 && !lastChunk && before == null) {
        data.release(); // the end of a body whose length was announced: nothing left to write
        return;
      }
      before = room(before, n + 32);
      if (n > 0) {
        if (chunked) {
          H1Writer.chunkStart(before, n, chunkOpen);
          chunkOpen = true;
        }
        before.writeBytes(data);
      }
      data.release();
      if (lastChunk) {
        H1Writer.lastChunk(before, null, chunkOpen);
        chunkOpen = false;
      }
      if (n == 0 || ctx.channel().isWritable()) {
        ctx.write(before, ctx.voidPromise());
        source.consumed(n);
      } else {
        // The peer reads slower than we are sent to: credit returns only once these bytes left.
        ctx.write(before, ctx.newPromise()).addListener(f -> source.consumed(n));
      }
      return;
    }
    if (chunked) {
      before = room(before, 16);
      H1Writer.chunkStart(before, n, chunkOpen);
      chunkOpen = true;
    }
    if (before != null) {
      ctx.write(before, ctx.voidPromise());
    }
    if (source == BodySource.NONE) {
      ctx.write(data, ctx.voidPromise());
    } else {
      ctx.write(data, ctx.newPromise()).addListener(f -> source.consumed(n));
    }
    if (lastChunk) {
      ByteBuf tail = ctx.alloc().buffer(8);
      H1Writer.lastChunk(tail, null, chunkOpen);
      chunkOpen = false;
      ctx.write(tail, ctx.voidPromise());
    }
  }

  /** Trailer fields, which end the message; only a chunked body can carry them (else they are dropped). */
  void trailers(Http2Headers trailers) {
    ByteBuf out = pendingHead;
    pendingHead = null;
    if (chunked && !discardBody) {
      out = room(out, H1Writer.size(trailers) + 16);
      H1Writer.lastChunk(out, trailers, chunkOpen);
      chunkOpen = false;
    }
    if (out != null) {
      ctx.write(out, ctx.voidPromise());
    }
  }

  /** Writes out everything written so far, a head still waiting for its body included. */
  void flush() {
    writePendingHead();
    ctx.flush();
  }

  /** Drops a head not yet written (the connection is closing). */
  void discard() {
    if (pendingHead != null) {
      pendingHead.release();
      pendingHead = null;
    }
  }

  private void writePendingHead() {
    if (pendingHead != null) {
      ctx.write(pendingHead, ctx.voidPromise());
      pendingHead = null;
    }
  }

  private ByteBuf room(ByteBuf buf, int extra) {
    if (buf == null) {
      return ctx.alloc().buffer(Math.max(extra, 64));
    }
    buf.ensureWritable(extra);
    return buf;
  }
}
