package dev.lattice.proxy.identity;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A clock and scheduler that only move when a test says so. Due tasks run on the thread that calls
 * {@link #advance}, in due order, with the clock set to their due time. Tasks may be scheduled from
 * any thread (gRPC callbacks do).
 */
final class VirtualTime implements InstantSource, Scheduler {
  private record Task(Instant due, long sequence, Runnable body) {}

  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::sequence));
  private Instant now;
  private long sequence;

  VirtualTime(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable body) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
    Task task = new Task(now.plus(delay), sequence++, body);
    queue.add(task);
    return () -> {
      synchronized (this) {
        queue.remove(task);
      }
    };
  }

  void advance(Duration duration) {
    advanceTo(instant().plus(duration));
  }

  /** Moves the clock to {@code target}, running every task due by then. */
  void advanceTo(Instant target) {
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due().isAfter(target)) {
          if (target.isAfter(now)) {
            now = target;
          }
          return;
        }
        queue.poll();
        if (next.due().isAfter(now)) {
          now = next.due();
        }
      }
      next.body().run();
    }
  }

  synchronized int pendingTasks() {
    return queue.size();
  }
}
