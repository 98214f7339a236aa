package dev.lattice.proxy.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** A classic Prometheus histogram over fixed upper bounds (plus {@code +Inf}). */
public final class Histogram {
  /** Linkerd's {@code *_latency_ms} buckets, in milliseconds. */
  public static final double[] LATENCY_MS_BUCKETS = {
    1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000,
    20000, 30000, 40000, 50000
  };

  private final double[] bounds;
  private final AtomicLongArray counts;
  private final LongAdder count = new LongAdder();
  private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

  Histogram(double[] bounds) {
    this.bounds = bounds;
    this.counts = new AtomicLongArray(bounds.length + 1);
  }

  public void observe(double value) {
    int i = 0;
    while (i < bounds.length && value > bounds[i]) {
      i++;
    }
    counts.incrementAndGet(i);
    count.increment();
    sum.add(value);
  }

  double[] bounds() {
    return bounds;
  }

  /** Cumulative count of observations ≤ bounds[i]; index bounds.length is +Inf. */
  long cumulative(int index) {
    long total = 0;
    for (int i = 0; i <= index; i++) {
      total += counts.get(i);
    }
    return total;
  }

  public long count() {
    return count.sum();
  }

  public double sum() {
    return sum.sum();
  }
}
