package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.internal.PlatformDependent;

/**
 * A frame writer that puts a HEADERS frame (with any CONTINUATION frames) or a small DATA frame on
 * the channel as one buffer, with the caller's promise.
 *
 * <p>Netty's writer sends every frame as at least two writes — a separately allocated 9-byte frame
 * header, then the payload or a slice of the HPACK block — each with its own child promise under a
 * per-frame aggregator. Over TLS each of those writes is also an entry, with a promise, in the TLS
 * handler's queue. The relay writes two or three such frames per request on every connection, so
 * that bookkeeping was a visible share of the proxy's CPU. Here the HPACK block is encoded straight
 * after a reserved frame header, and a DATA payload up to {@link #COPY_LIMIT} bytes is copied
 * behind its header (the TLS handler copies small writes together before encrypting anyway).
 *
 * <p>Anything else — padded or prioritised frames, larger DATA payloads — goes through Netty's
 * writer unchanged. Both paths share one HPACK encoder, so its dynamic table stays consistent.
 */
final class CompactFrameWriter extends DefaultHttp2FrameWriter {
  /** DATA payloads up to this size are copied behind their frame header; larger ones are not. */
  static final int COPY_LIMIT = 2048;
  static final int FRAME_HEADER_LENGTH = 9;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  /** Most header blocks the relay sends (responses, trailers, mesh requests) fit in this. */
  private static final int INITIAL_HEADERS_CAPACITY = 256;

  private final Http2HeadersEncoder hpack;

  /**
   * A writer that does not check outgoing header lists against the peer's
   * SETTINGS_MAX_HEADER_LIST_SIZE: the peer that receives them checks, and checking here too meant a
   * second pass over every header block this proxy sends.
   */
  CompactFrameWriter() {
    this(new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true));
  }

  private CompactFrameWriter(Http2HeadersEncoder hpack) {
    super(hpack);
    this.hpack = hpack;
  }

  @Override
  public ChannelFuture writeData(
      ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endStream, ChannelPromise promise) {
    int length = data.readableBytes();
    if (padding != 0 || streamId <= 0 || length > COPY_LIMIT || length > maxFrameSize()) {
      return super.writeData(ctx, streamId, data, padding, endStream, promise);
    }
    ByteBuf frame;
    try {
      frame = ctx.alloc().buffer(FRAME_HEADER_LENGTH + length);
    } catch (Throwable t) {
      data.release();
      return promise.setFailure(t);
    }
    writeFrameHeader(frame, length, Http2FrameTypes.DATA, endStream ? END_STREAM : 0, streamId);
    frame.writeBytes(data, data.readerIndex(), length);
    data.release();
    return ctx.write(frame, promise);
  }

  @Override
  public ChannelFuture writeHeaders(
      ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endStream,
      ChannelPromise promise) {
    if (padding != 0 || streamId <= 0) {
      return super.writeHeaders(ctx, streamId, headers, padding, endStream, promise);
    }
    try {
      return writeHeadersOrThrow(ctx, streamId, headers, endStream, promise);
    } catch (Http2Exception e) {
      // An invalid header list fails this write only, as in Netty's writer.
      return promise.setFailure(e);
    }
  }

  /**
   * Writes an unpadded HEADERS frame (with any CONTINUATION frames) for stream {@code streamId}
   * (> 0) with {@code promise}. A header list that cannot be encoded writes nothing and is thrown
   * instead of failing the promise, for a caller whose promise is void and could not carry it.
   */
  ChannelFuture writeHeadersOrThrow(
      ChannelHandlerContext ctx, int streamId, Http2Headers headers, boolean endStream, ChannelPromise promise)
      throws Http2Exception {
    ByteBuf frame = null;
    try {
      frame = ctx.alloc().buffer(INITIAL_HEADERS_CAPACITY);
      frame.writerIndex(FRAME_HEADER_LENGTH);
      hpack.encodeHeaders(streamId, headers, frame);
    } catch (Http2Exception e) {
      frame.release();
      throw e;
    } catch (Throwable t) {
      if (frame != null) {
        frame.release();
      }
      promise.setFailure(t);
      PlatformDependent.throwException(t);
      return promise;
    }
    int blockLength = frame.writerIndex() - FRAME_HEADER_LENGTH;
    int flags = endStream ? END_STREAM : 0;
    int maxFrameSize = maxFrameSize();
    if (blockLength <= maxFrameSize) {
      int end = frame.writerIndex();
      frame.writerIndex(0);
      writeFrameHeader(frame, blockLength, Http2FrameTypes.HEADERS, flags | END_HEADERS, streamId);
      frame.writerIndex(end);
      return ctx.write(frame, promise);
    }
    return ctx.write(fragmented(ctx, frame, blockLength, flags, streamId, maxFrameSize), promise);
  }

  /**
   * Splits an encoded block larger than one frame into HEADERS and CONTINUATION frames, copied into
   * one new buffer (rare: it takes a header list over the peer's frame size, 16 KiB by default).
   */
  private static ByteBuf fragmented(
      ChannelHandlerContext ctx, ByteBuf encoded, int blockLength, int flags, int streamId, int maxFrameSize) {
    try {
      int frames = (blockLength + maxFrameSize - 1) / maxFrameSize;
      ByteBuf out = ctx.alloc().buffer(blockLength + frames * FRAME_HEADER_LENGTH);
      int offset = FRAME_HEADER_LENGTH;
      int remaining = blockLength;
      byte type = Http2FrameTypes.HEADERS;
      while (remaining > 0) {
        int fragment = Math.min(remaining, maxFrameSize);
        remaining -= fragment;
        int frameFlags = (type == Http2FrameTypes.HEADERS ? flags : 0) | (remaining == 0 ? END_HEADERS : 0);
        writeFrameHeader(out, fragment, type, frameFlags, streamId);
        out.writeBytes(encoded, offset, fragment);
        offset += fragment;
        type = Http2FrameTypes.CONTINUATION;
      }
      return out;
    } finally {
      encoded.release();
    }
  }

  private static void writeFrameHeader(ByteBuf out, int payloadLength, byte type, int flags, int streamId) {
    out.writeMedium(payloadLength);
    out.writeByte(type);
    out.writeByte(flags);
    out.writeInt(streamId);
  }
}
