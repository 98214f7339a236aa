package dev.lattice.proxy.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** A value that goes up and down, e.g. open connections. Whole numbers; see {@link MetricsRegistry#gauge(String, String, java.util.function.DoubleSupplier)} for computed ones. */
public final class Gauge {
  private final AtomicLong value = new AtomicLong();

  public void inc() {
    value.incrementAndGet();
  }

  public void dec() {
    value.decrementAndGet();
  }

  public void set(long newValue) {
    value.set(newValue);
  }

  public long get() {
    return value.get();
  }
}
