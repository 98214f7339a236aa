package dev.lattice.proxy.http;

import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Batches flushes on a shared HTTP/2 connection. Every stream on it flushes when its request or
 * response is complete; without batching each of those becomes its own TLS record and write(2)
 * — with 64 streams in flight the proxy spent as much time in write syscalls as in all of its Java
 * code. Sitting below the HTTP/2 codec (above TLS), this turns the flushes of one event-loop pass
 * into one: flushes during a read of this connection wait for its read-complete, other flushes
 * run as one task after the loop's current batch of I/O.
 */
final class FlushBatching {
  static final String NAME = "flush-batch";

  /** Flush at the latest after this many deferred flushes, so a long read loop still makes progress. */
  private static final int MAX_DEFERRED = 64;

  private FlushBatching() {}

  static FlushConsolidationHandler create() {
    return new FlushConsolidationHandler(MAX_DEFERRED, true);
  }
}
