package dev.lattice.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count; safe and cheap to bump from any event loop. */
public final class Counter {
  private final LongAdder value = new LongAdder();

  public void inc() {
    value.increment();
  }

  public void add(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0)");
    }
    value.add(amount);
  }

  public long get() {
    return value.sum();
  }
}
