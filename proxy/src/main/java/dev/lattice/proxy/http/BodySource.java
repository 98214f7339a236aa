package dev.lattice.proxy.http;

/**
 * Where a body's bytes came from, told when they have left on the other side. This is the relay's
 * only backpressure: an HTTP/2 source returns flow-control window only for bytes already written
 * onward, an HTTP/1 source stops reading while too much of what it read is still queued.
 */
interface BodySource {
  /** {@code bytes} of body from this source were written (or dropped). Any thread. */
  void consumed(int bytes);

  /** A source that holds nothing back (e.g. a synthesized message). */
  BodySource NONE = bytes -> {};
}
