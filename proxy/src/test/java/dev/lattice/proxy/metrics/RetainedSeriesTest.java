package dev.lattice.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Series groups live while held and for the retention after their last release, on a hand-moved clock. */
class RetainedSeriesTest {
  private static final Duration RETAIN_IDLE = Duration.ofMinutes(10);
  private static final Labels WEB = Labels.of("target_addr", "10.0.0.1:80");

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final MetricsRegistry registry = new MetricsRegistry();
  private final Family<Counter> opens = registry.counter("tcp_open_total", "opened");
  private final RetainedSeries<Opens> series = registry.retained(RETAIN_IDLE, nanos::get, Opens::new);

  private final class Opens extends RetainedSeries.Group {
    final Labels labels;
    final Counter counter;

    Opens(Labels labels) {
      this.labels = labels;
      this.counter = opens.labels(labels);
    }

    @Override
    protected void forget() {
      opens.forget(labels, counter);
    }
  }

  @Test
  void aHeldGroupIsKeptHoweverLongItIsQuiet() {
    series.acquire(WEB).counter.inc();
    nanos.addAndGet(RETAIN_IDLE.toNanos() * 100);

    assertThat(series.dropIdle()).isZero();
    assertThat(registry.render()).contains("tcp_open_total{target_addr=\"10.0.0.1:80\"} 1");
  }

  @Test
  void aReleasedGroupIsKeptForTheRetentionThenDroppedWithItsSeries() {
    Opens held = series.acquire(WEB);
    held.counter.inc();
    series.release(held);

    nanos.addAndGet(RETAIN_IDLE.toNanos() - 1);
    assertThat(registry.render()).contains("tcp_open_total{target_addr=\"10.0.0.1:80\"} 1");

    nanos.addAndGet(1);
    assertThat(registry.render()).doesNotContain("tcp_open_total");
    assertThat(series.size()).isZero();
  }

  @Test
  void theRetentionCountsFromTheLastOfSeveralHoldersLettingGo() {
    Opens first = series.acquire(WEB);
    Opens second = series.acquire(WEB);
    assertThat(second).isSameAs(first);
    series.release(first);
    nanos.addAndGet(RETAIN_IDLE.toNanos());

    assertThat(series.dropIdle()).as("still held by the second").isZero();
    series.release(second);
    nanos.addAndGet(RETAIN_IDLE.toNanos() - 1);
    assertThat(series.dropIdle()).isZero();
    nanos.addAndGet(1);
    assertThat(series.dropIdle()).isOne();
  }

  @Test
  void acquiringAgainWithinTheRetentionKeepsTheCounts() {
    Opens held = series.acquire(WEB);
    held.counter.inc();
    series.release(held);
    nanos.addAndGet(RETAIN_IDLE.toNanos() / 2);

    Opens again = series.acquire(WEB);
    again.counter.inc();
    nanos.addAndGet(RETAIN_IDLE.toNanos());

    assertThat(again).isSameAs(held);
    assertThat(registry.render()).contains("tcp_open_total{target_addr=\"10.0.0.1:80\"} 2");
  }

  @Test
  void afterADropTheLabelsStartAFreshSeries() {
    Opens old = series.acquire(WEB);
    old.counter.add(5);
    series.release(old);
    nanos.addAndGet(RETAIN_IDLE.toNanos());
    series.dropIdle();

    Opens fresh = series.acquire(WEB);
    fresh.counter.inc();

    assertThat(fresh).isNotSameAs(old);
    assertThat(registry.render()).contains("tcp_open_total{target_addr=\"10.0.0.1:80\"} 1");
  }

  @Test
  void onlyIdleGroupsAreDropped() {
    Labels api = Labels.of("target_addr", "10.0.0.2:80");
    series.release(series.acquire(WEB));
    series.acquire(api);
    nanos.addAndGet(RETAIN_IDLE.toNanos());

    assertThat(registry.dropIdleSeries()).isOne();
    assertThat(series.size()).isOne();
    assertThat(series.acquireIfKept(api)).isNotNull();
    assertThat(series.acquireIfKept(WEB)).isNull();
  }

  @Test
  void aZeroRetentionDropsAGroupAtTheFirstCheckAfterItsRelease() {
    RetainedSeries<Opens> eager = registry.retained(Duration.ZERO, nanos::get, Opens::new);
    Opens held = eager.acquire(WEB);
    assertThat(eager.dropIdle()).isZero();

    eager.release(held);
    assertThat(eager.dropIdle()).isOne();
  }

  @Test
  void releasingMoreOftenThanAcquiringIsABug() {
    Opens held = series.acquire(WEB);
    series.release(held);

    assertThatThrownBy(() -> series.release(held)).isInstanceOf(IllegalStateException.class);
  }
}
