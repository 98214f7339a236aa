package dev.lattice.local.supervise;

import java.time.Duration;

/**
 * Restart delays after a crash: 1 s, doubling to at most 16 s, back to 1 s once a process has run for
 * 30 s, like a kubelet's crash-loop back-off but shorter (a local mesh is for trying things).
 */
final class Backoff {
  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(16);
  static final Duration STABLE = Duration.ofSeconds(30);

  private Duration next = FIRST;

  /** The delay before restarting a process that ran for {@code ranFor}. */
  Duration after(Duration ranFor) {
    if (ranFor.compareTo(STABLE) >= 0) {
      next = FIRST;
    }
    Duration delay = next;
    next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
    return delay;
  }
}
