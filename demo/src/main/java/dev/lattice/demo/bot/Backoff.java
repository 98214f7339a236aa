package dev.lattice.demo.bot;

import java.time.Duration;

/** Exponential backoff: doubles from {@code initial} up to {@code max} per failure, back to zero on success. */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration current = Duration.ZERO;

  Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff: initial " + initial + ", max " + max + " (expected: 0 < initial <= max)");
    }
    this.initial = initial;
    this.max = max;
  }

  /** Records a failure; returns how long to wait before trying again. */
  Duration failed() {
    current = current.isZero() ? initial : min(current.multipliedBy(2), max);
    return current;
  }

  /** Records a success: the next failure starts again from {@code initial}. */
  void succeeded() {
    current = Duration.ZERO;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
