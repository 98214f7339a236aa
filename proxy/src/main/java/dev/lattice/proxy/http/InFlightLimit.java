package dev.lattice.proxy.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests one side of the proxy (inbound or outbound) relays at once; past it, a new
 * request is answered at once with 503 (gRPC: UNAVAILABLE) instead of queueing, as Linkerd's
 * {@code MAX_IN_FLIGHT} load shedding does. A request counts from its head until its exchange
 * ends (the response's end, a reset, the client going away).
 *
 * <p>Every request in flight holds a few kilobytes of heap on each proxy (streams on both HTTP/2
 * connections, the exchange, its header fields): 3,000 streams that an upstream never answered
 * filled a 12 MB heap. The default is therefore the connection limit's, which follows the heap
 * ({@code ConnectionLimit.defaultFor}): every connection the proxy accepts may have a request in
 * flight, 1,322 per side at {@code -Xmx12m}.
 */
public final class InFlightLimit {
  public static final InFlightLimit UNLIMITED = new InFlightLimit(Integer.MAX_VALUE);

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max in flight: " + max + " (expected: >= 1)");
    }
    this.max = max;
  }

  public int max() {
    return max;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Counts one more request if there is room; every {@code true} is matched by one {@link #release()}. */
  boolean tryAcquire() {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    inFlight.decrementAndGet();
  }
}
