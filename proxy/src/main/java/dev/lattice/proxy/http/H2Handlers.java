package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2PromisedRequestVerifier;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.StreamBufferingEncoder;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Builds the proxy's HTTP/2 connection handlers: Netty's connection, flow control, frame reader and
 * HPACK, with {@link CompactFrameWriter} gathering the frames of each event-loop pass into one
 * buffer, {@link DirectFrameEncoder} writing DATA that fits the peer's windows without queueing it
 * in the flow controller, and {@link HeaderFields} for the messages' header fields. {@link #addTo}
 * installs a handler with the flush batching that hands the writer's frames on.
 *
 * <p>Netty's builder only takes a writer of one's own with a ready-made codec, and then leaves out
 * two protections it otherwise adds on the encoder side, so they are added here with Netty's
 * defaults ({@link ControlFrameLimit}, {@link ResetFloodLimit}). Everything else matches what the
 * builder makes from a connection: the decoder still gets the empty-DATA and received-RST flood
 * limits from the builder, and header validation stays on.
 */
final class H2Handlers {
  static final String NAME = "h2";

  /**
   * The encoder-side flood limits: unwritten control frames answering the peer, and streams reset
   * with an error per window ({@code nanoClock} measures the window).
   */
  record Limits(int outstandingControlFrames, int resetsPerWindow, int resetWindowSeconds, LongSupplier nanoClock) {
    /** Netty's defaults for both. */
    static final Limits DEFAULT = new Limits(ControlFrameLimit.DEFAULT_MAX_OUTSTANDING,
        ResetFloodLimit.DEFAULT_MAX_RESETS, ResetFloodLimit.DEFAULT_WINDOW_SECONDS, System::nanoTime);
  }

  private H2Handlers() {}

  /** The server end of a client connection; {@code grace} bounds a graceful shutdown's drain. */
  static Http2ConnectionHandler server(Http2FrameListener listener, Duration grace) {
    return server(listener, grace, Limits.DEFAULT);
  }

  static Http2ConnectionHandler server(Http2FrameListener listener, Duration grace, Limits limits) {
    Http2Settings settings = Http2Settings.defaultSettings()
        .initialWindowSize(H2Settings.STREAM_WINDOW)
        .maxConcurrentStreams(10_000);
    return build(H2Settings.connection(true), listener, settings, grace, limits);
  }

  /**
   * The client end of a shared upstream connection. Streams beyond the server's concurrency limit
   * wait in Netty's buffering encoder.
   */
  static Http2ConnectionHandler client(Http2FrameListener listener) {
    Http2Settings settings = Http2Settings.defaultSettings()
        .initialWindowSize(H2Settings.STREAM_WINDOW)
        .pushEnabled(false);
    return build(H2Settings.connection(false), listener, settings, null, Limits.DEFAULT);
  }

  private static Http2ConnectionHandler build(
      Http2Connection connection, Http2FrameListener listener, Http2Settings settings, Duration grace, Limits limits) {
    Http2ConnectionEncoder encoder = new DirectFrameEncoder(connection, new CompactFrameWriter());
    encoder = new ControlFrameLimit(encoder, limits.outstandingControlFrames());
    encoder = new ResetFloodLimit(encoder, limits.resetsPerWindow(), limits.resetWindowSeconds(), limits.nanoClock());
    if (!connection.isServer()) {
      encoder = new StreamBufferingEncoder(encoder);
    }
    // Netty's default bound on tiny CONTINUATION frames stays (the reader's one-argument form).
    var reader = new DefaultHttp2FrameReader(new FieldsDecoder(settings.maxHeaderListSize()));
    var decoder = new DefaultHttp2ConnectionDecoder(connection, encoder, reader,
        Http2PromisedRequestVerifier.ALWAYS_VERIFY, true, true, true, false);
    var builder = new Http2ConnectionHandlerBuilder()
        .codec(decoder, encoder)
        .frameListener(listener)
        .initialSettings(settings);
    if (grace != null) {
      builder.gracefulShutdownTimeoutMillis(grace.toMillis());
    }
    return builder.build();
  }

  /**
   * Adds {@code handler} (one of these) at the end of {@code pipeline}, with the flush batching it
   * needs below it: before each flush the batching lets through, the frames the handler's writer
   * gathered during the pass are handed to the channel ({@link CompactFrameWriter#seal}). Without
   * it they would wait for a flush that never comes.
   */
  static void addTo(ChannelPipeline pipeline, Http2ConnectionHandler handler) {
    CompactFrameWriter frames = (CompactFrameWriter) handler.encoder().frameWriter();
    pipeline.addLast(FlushBatching.NAME, FlushBatching.create(frames::seal));
    pipeline.addLast(NAME, handler);
  }

  /** Netty's HPACK decoder, checking every field, filling {@link HeaderFields} rather than a hash table. */
  private static final class FieldsDecoder extends DefaultHttp2HeadersDecoder {
    FieldsDecoder(long maxHeaderListSize) {
      super(true, true, maxHeaderListSize);
    }

    @Override
    protected Http2Headers newHeaders() {
      return HeaderFields.validated(Math.max(8, numberOfHeadersGuess()));
    }

    @Override
    public Http2Headers decodeHeaders(int streamId, ByteBuf headerBlock) throws Http2Exception {
      HeaderFields fields = (HeaderFields) super.decodeHeaders(streamId, headerBlock);
      // Every field from the peer has been checked; Netty's decoder and the proxy edit them from here.
      fields.peerFieldsComplete();
      return fields;
    }
  }
}
