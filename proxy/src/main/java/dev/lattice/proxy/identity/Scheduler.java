package dev.lattice.proxy.identity;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay. The identity client takes one so that tests can drive refreshes with
 * virtual time instead of waiting hours.
 */
@FunctionalInterface
public interface Scheduler {
  /** Runs {@code task} once, {@code delay} from now (on the scheduler's clock). */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that has not run yet can be cancelled; cancelling a task that ran is a no-op. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** Schedules on {@code executor}, in real time. */
  static Scheduler of(ScheduledExecutorService executor) {
    return (delay, task) -> {
      ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
