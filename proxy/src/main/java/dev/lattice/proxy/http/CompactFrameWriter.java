package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.internal.PlatformDependent;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;

/**
 * A frame writer that gathers the frames written between two flushes of a connection into one
 * buffer, handed to the channel when the connection flushes or before any frame it does not
 * gather.
 *
 * <p>Netty's writer sends every frame as at least two writes — a separately allocated 9-byte frame
 * header, then the payload or a slice of the HPACK block — each with its own child promise under a
 * per-frame aggregator. Over TLS each of those writes is also an entry, with a promise, in the TLS
 * handler's queue, which then copies the small ones together before encrypting. The relay writes
 * two or three frames per request on every connection and a mesh connection carries many requests
 * per flush, so that bookkeeping was a visible share of the proxy's CPU. Here HEADERS (with any
 * CONTINUATION frames), DATA up to {@link #COPY_LIMIT} bytes, WINDOW_UPDATE, RST_STREAM, PING and
 * SETTINGS acknowledgements are encoded straight into the connection's batch; the HPACK block
 * behind a reserved frame header, a DATA payload copied behind its header. A caller's promise that
 * is not void completes when the batch's write does.
 *
 * <p>Anything else — padded or prioritised frames, larger DATA payloads, SETTINGS, GOAWAY — first
 * hands the batch to the channel, then goes through Netty's writer unchanged, so frames keep their
 * order. Both paths share one HPACK encoder, so its dynamic table stays consistent. The flush
 * batching below the connection handler calls {@link #seal} right before each flush it lets
 * through ({@link H2Handlers#addTo}), so a batch holds every frame of one event-loop pass,
 * across all streams of the connection.
 */
final class CompactFrameWriter extends DefaultHttp2FrameWriter {
  /** DATA payloads up to this size are copied behind their frame header; larger ones are not. */
  static final int COPY_LIMIT = 2048;
  static final int FRAME_HEADER_LENGTH = 9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  /** Most header blocks the relay sends (responses, trailers, mesh requests) fit in this. */
  private static final int INITIAL_HEADERS_CAPACITY = 256;

  private static final int MIN_BATCH_CAPACITY = 256;
  private static final int MAX_BATCH_CAPACITY = 64 * 1024;
  private static final ChannelPromise[] NO_PROMISES = {};

  private final Http2HeadersEncoder hpack;
  /** The frames written since the last {@link #seal}, or null. */
  private ByteBuf batch;
  private ChannelHandlerContext batchContext;
  /** The promises, not void, of the frames in {@link #batch}. */
  private ChannelPromise[] waiting = NO_PROMISES;
  private int waitingCount;
  /** What the last batch held: the next one starts that large (within bounds). */
  private int batchCapacity = MIN_BATCH_CAPACITY;

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
      seal();
      return super.writeData(ctx, streamId, data, padding, endStream, promise);
    }
    try {
      ByteBuf out = batch(ctx, FRAME_HEADER_LENGTH + length);
      writeFrameHeader(out, length, Http2FrameTypes.DATA, endStream ? END_STREAM : 0, streamId);
      out.writeBytes(data, data.readerIndex(), length);
    } catch (Throwable t) {
      return promise.setFailure(t);
    } finally {
      data.release();
    }
    return track(promise);
  }

  @Override
  public ChannelFuture writeHeaders(
      ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endStream,
      ChannelPromise promise) {
    if (padding != 0 || streamId <= 0) {
      seal();
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
    ByteBuf out;
    try {
      out = batch(ctx, INITIAL_HEADERS_CAPACITY);
    } catch (Throwable t) {
      promise.setFailure(t);
      PlatformDependent.throwException(t);
      return promise;
    }
    int start = out.writerIndex();
    try {
      out.writerIndex(start + FRAME_HEADER_LENGTH);
      hpack.encodeHeaders(streamId, headers, out);
    } catch (Http2Exception e) {
      out.writerIndex(start);
      throw e;
    } catch (Throwable t) {
      out.writerIndex(start);
      promise.setFailure(t);
      PlatformDependent.throwException(t);
      return promise;
    }
    int blockLength = out.writerIndex() - start - FRAME_HEADER_LENGTH;
    int flags = endStream ? END_STREAM : 0;
    int maxFrameSize = maxFrameSize();
    if (blockLength <= maxFrameSize) {
      int end = out.writerIndex();
      out.writerIndex(start);
      writeFrameHeader(out, blockLength, Http2FrameTypes.HEADERS, flags | END_HEADERS, streamId);
      out.writerIndex(end);
    } else {
      fragment(out, start, blockLength, flags, streamId, maxFrameSize);
    }
    return track(promise);
  }

  /**
   * Splits a block larger than one frame, encoded into {@code out} at {@code start} behind a
   * reserved header, into HEADERS and CONTINUATION frames in its place (rare: it takes a header
   * list over the peer's frame size, 16 KiB by default).
   */
  private static void fragment(ByteBuf out, int start, int blockLength, int flags, int streamId, int maxFrameSize) {
    ByteBuf block = out.copy(start + FRAME_HEADER_LENGTH, blockLength);
    try {
      out.writerIndex(start);
      int offset = 0;
      byte type = Http2FrameTypes.HEADERS;
      while (offset < blockLength) {
        int fragment = Math.min(blockLength - offset, maxFrameSize);
        boolean last = offset + fragment == blockLength;
        int frameFlags = (type == Http2FrameTypes.HEADERS ? flags : 0) | (last ? END_HEADERS : 0);
        writeFrameHeader(out, fragment, type, frameFlags, streamId);
        out.writeBytes(block, offset, fragment);
        offset += fragment;
        type = Http2FrameTypes.CONTINUATION;
      }
    } finally {
      block.release();
    }
  }

  @Override
  public ChannelFuture writeWindowUpdate(
      ChannelHandlerContext ctx, int streamId, int windowSizeIncrement, ChannelPromise promise) {
    if (streamId < 0 || windowSizeIncrement <= 0) {
      seal();
      return super.writeWindowUpdate(ctx, streamId, windowSizeIncrement, promise); // fails it as Netty does
    }
    return batchFixed(ctx, Http2FrameTypes.WINDOW_UPDATE, 0, streamId, 4, windowSizeIncrement, promise);
  }

  @Override
  public ChannelFuture writeRstStream(ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
    if (streamId <= 0 || errorCode < 0 || errorCode > 0xFFFFFFFFL) {
      seal();
      return super.writeRstStream(ctx, streamId, errorCode, promise); // fails it as Netty does
    }
    return batchFixed(ctx, Http2FrameTypes.RST_STREAM, 0, streamId, 4, errorCode, promise);
  }

  @Override
  public ChannelFuture writePing(ChannelHandlerContext ctx, boolean ack, long data, ChannelPromise promise) {
    return batchFixed(ctx, Http2FrameTypes.PING, ack ? ACK : 0, 0, 8, data, promise);
  }

  @Override
  public ChannelFuture writeSettingsAck(ChannelHandlerContext ctx, ChannelPromise promise) {
    return batchFixed(ctx, Http2FrameTypes.SETTINGS, ACK, 0, 0, 0, promise);
  }

  /** A frame whose payload is empty or one 4- or 8-byte number ({@code length}), into the batch. */
  private ChannelFuture batchFixed(
      ChannelHandlerContext ctx, byte type, int flags, int streamId, int length, long value, ChannelPromise promise) {
    try {
      ByteBuf out = batch(ctx, FRAME_HEADER_LENGTH + length);
      writeFrameHeader(out, length, type, flags, streamId);
      if (length == 4) {
        out.writeInt((int) value);
      } else if (length == 8) {
        out.writeLong(value);
      }
    } catch (Throwable t) {
      return promise.setFailure(t);
    }
    return track(promise);
  }

  // Every other frame hands the batch on first, so that frames reach the channel in order.

  @Override
  public ChannelFuture writeHeaders(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
      int streamDependency, short weight, boolean exclusive, int padding, boolean endStream, ChannelPromise promise) {
    seal();
    return super.writeHeaders(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream, promise);
  }

  @Override
  public ChannelFuture writePriority(
      ChannelHandlerContext ctx, int streamId, int streamDependency, short weight, boolean exclusive,
      ChannelPromise promise) {
    seal();
    return super.writePriority(ctx, streamId, streamDependency, weight, exclusive, promise);
  }

  @Override
  public ChannelFuture writeSettings(
      ChannelHandlerContext ctx, Http2Settings settings, ChannelPromise promise) {
    seal();
    return super.writeSettings(ctx, settings, promise);
  }

  @Override
  public ChannelFuture writePushPromise(
      ChannelHandlerContext ctx, int streamId, int promisedStreamId, Http2Headers headers, int padding,
      ChannelPromise promise) {
    seal();
    return super.writePushPromise(ctx, streamId, promisedStreamId, headers, padding, promise);
  }

  @Override
  public ChannelFuture writeGoAway(
      ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData, ChannelPromise promise) {
    seal();
    return super.writeGoAway(ctx, lastStreamId, errorCode, debugData, promise);
  }

  @Override
  public ChannelFuture writeFrame(
      ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
      ByteBuf payload, ChannelPromise promise) {
    seal();
    return super.writeFrame(ctx, frameType, streamId, flags, payload, promise);
  }

  /** Bytes written into the batch and not yet handed to the channel. */
  int batchedBytes() {
    return batch == null ? 0 : batch.readableBytes();
  }

  /** The connection's batch, with room for {@code bytes} more. */
  private ByteBuf batch(ChannelHandlerContext ctx, int bytes) {
    ByteBuf out = batch;
    if (out == null) {
      out = ctx.alloc().buffer(Math.max(bytes, batchCapacity));
      batch = out;
      batchContext = ctx;
    } else {
      out.ensureWritable(bytes);
    }
    return out;
  }

  /** Remembers a frame's promise until its batch is written; a void one needs nothing. */
  private ChannelPromise track(ChannelPromise promise) {
    if (!promise.isVoid()) {
      if (waitingCount == waiting.length) {
        waiting = Arrays.copyOf(waiting, Math.max(4, waitingCount * 2));
      }
      waiting[waitingCount++] = promise;
    }
    return promise;
  }

  /**
   * Hands the frames written since the last seal to the channel as one buffer, through the
   * connection handler's context; the flush batching below calls it before each flush it lets
   * through (and so before a close). Nothing when there are none.
   */
  void seal() {
    ByteBuf out = batch;
    if (out == null) {
      return;
    }
    ChannelHandlerContext ctx = batchContext;
    batch = null;
    batchContext = null;
    batchCapacity = Math.clamp(out.readableBytes(), MIN_BATCH_CAPACITY, MAX_BATCH_CAPACITY);
    if (!out.isReadable()) { // every frame in it failed to encode
      out.release();
      return;
    }
    if (waitingCount == 0) {
      ctx.write(out, ctx.voidPromise());
      return;
    }
    ChannelPromise[] promises = Arrays.copyOf(waiting, waitingCount);
    Arrays.fill(waiting, 0, waitingCount, null);
    waitingCount = 0;
    ctx.write(out).addListener(written -> {
      for (ChannelPromise p : promises) {
        if (written.isSuccess()) {
          p.trySuccess();
        } else {
          p.tryFailure(written.cause());
        }
      }
    });
  }

  /** The connection is gone: what was never handed on is dropped, and its promises fail. */
  @Override
  public void close() {
    ByteBuf out = batch;
    if (out != null) {
      batch = null;
      batchContext = null;
      out.release();
      ClosedChannelException closed = new ClosedChannelException();
      for (int i = 0; i < waitingCount; i++) {
        waiting[i].tryFailure(closed);
        waiting[i] = null;
      }
      waitingCount = 0;
    }
    super.close();
  }

  private static void writeFrameHeader(ByteBuf out, int payloadLength, byte type, int flags, int streamId) {
    out.writeMedium(payloadLength);
    out.writeByte(type);
    out.writeByte(flags);
    out.writeInt(streamId);
  }
}
