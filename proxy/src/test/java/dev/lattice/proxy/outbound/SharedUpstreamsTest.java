package dev.lattice.proxy.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sharing, release and idle eviction, on a clock moved by hand and with the delayed checks run by hand. */
class SharedUpstreamsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final AtomicInteger opened = new AtomicInteger();
  private final List<String> closed = new ArrayList<>();
  private final List<Runnable> due = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private long now = 1_000;
  private final SharedUpstreams<String, String> upstreams = new SharedUpstreams<>(
      key -> key + "#" + opened.incrementAndGet(), closed::add, TIMEOUT,
      (task, delay) -> {
        delays.add(delay);
        due.add(task);
      },
      () -> now);

  @Test
  void clientsOfOneKeyShareOneUpstreamUntilTheLastLetsGo() {
    var first = upstreams.acquire("web:80");
    var second = upstreams.acquire("web:80");
    assertThat(second.value()).isEqualTo(first.value()).isEqualTo("web:80#1");

    first.release();
    timeoutPasses();
    assertThat(closed).isEmpty();

    second.release();
    timeoutPasses();
    assertThat(closed).containsExactly("web:80#1");
    assertThat(upstreams.size()).isZero();
    assertThat(upstreams.acquire("web:80").value()).isEqualTo("web:80#2");
  }

  @Test
  void aClientArrivingBeforeTheTimeoutKeepsTheUpstream() {
    upstreams.acquire("web:80").release();
    var returning = upstreams.acquire("web:80");
    timeoutPasses();

    assertThat(closed).isEmpty();
    assertThat(returning.value()).isEqualTo("web:80#1");
  }

  @Test
  void releasingTwiceCountsOnce() {
    var first = upstreams.acquire("web:80");
    var second = upstreams.acquire("web:80");
    first.release();
    first.release();
    timeoutPasses();

    assertThat(closed).isEmpty();
    second.release();
    timeoutPasses();
    assertThat(closed).containsExactly("web:80#1");
  }

  @Test
  void aStaleCheckDoesNotCloseTheUpstreamThatReplacedAnEvictedOne() {
    upstreams.acquire("web:80").release();
    Runnable firstCheck = due.removeFirst();
    advance(TIMEOUT);
    firstCheck.run();
    var fresh = upstreams.acquire("web:80");
    firstCheck.run(); // the old entry's check, delivered late

    assertThat(closed).containsExactly("web:80#1");
    assertThat(fresh.value()).isEqualTo("web:80#2");
    assertThat(upstreams.size()).isEqualTo(1);
  }

  @Test
  void clientsComingAndGoingKeepOneCheckPendingPerUpstream() {
    for (int i = 0; i < 10_000; i++) {
      upstreams.acquire("web:80").release();
      now += 1_000;
    }

    assertThat(due).hasSize(1);
    assertThat(delays).containsExactly(TIMEOUT);
  }

  @Test
  void aCheckThatFindsTheUpstreamIdleForLessThanTheTimeoutLooksAgainForTheRest() {
    upstreams.acquire("web:80").release();
    advance(Duration.ofSeconds(3));
    upstreams.acquire("web:80").release(); // idle again from here
    advance(Duration.ofSeconds(2));
    runDue();

    assertThat(closed).isEmpty();
    assertThat(delays).containsExactly(TIMEOUT, Duration.ofSeconds(3));
    advance(Duration.ofSeconds(3));
    runDue();
    assertThat(closed).containsExactly("web:80#1");
    assertThat(due).isEmpty();
  }

  @Test
  void aCheckThatFindsTheUpstreamInUseLeavesTheNextToItsLastRelease() {
    upstreams.acquire("web:80").release();
    var user = upstreams.acquire("web:80");
    advance(TIMEOUT);
    runDue();
    assertThat(due).isEmpty();

    user.release();
    assertThat(due).hasSize(1);
    advance(TIMEOUT);
    runDue();
    assertThat(closed).containsExactly("web:80#1");
  }

  @Test
  void closeAllClosesWhatIsStillInUse() {
    upstreams.acquire("a:80");
    upstreams.acquire("b:80");
    upstreams.closeAll();

    assertThat(closed).containsExactlyInAnyOrder("a:80#1", "b:80#2");
    assertThat(upstreams.size()).isZero();
  }

  private void timeoutPasses() {
    advance(TIMEOUT);
    runDue();
  }

  private void advance(Duration d) {
    now += d.toNanos();
  }

  private void runDue() {
    List<Runnable> now = new ArrayList<>(due);
    due.clear();
    now.forEach(Runnable::run);
  }
}
