package dev.lattice.proxy.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sharing, release and idle eviction, with the delayed checks run by hand. */
class SharedUpstreamsTest {
  private final AtomicInteger opened = new AtomicInteger();
  private final List<String> closed = new ArrayList<>();
  private final List<Runnable> due = new ArrayList<>();
  private final SharedUpstreams<String, String> upstreams = new SharedUpstreams<>(
      key -> key + "#" + opened.incrementAndGet(), closed::add, Duration.ofSeconds(5),
      (task, delay) -> {
        assertThat(delay).isEqualTo(Duration.ofSeconds(5));
        due.add(task);
      });

  @Test
  void clientsOfOneKeyShareOneUpstreamUntilTheLastLetsGo() {
    var first = upstreams.acquire("web:80");
    var second = upstreams.acquire("web:80");
    assertThat(second.value()).isEqualTo(first.value()).isEqualTo("web:80#1");

    first.release();
    runDue();
    assertThat(closed).isEmpty();

    second.release();
    runDue();
    assertThat(closed).containsExactly("web:80#1");
    assertThat(upstreams.size()).isZero();
    assertThat(upstreams.acquire("web:80").value()).isEqualTo("web:80#2");
  }

  @Test
  void aClientArrivingBeforeTheTimeoutKeepsTheUpstream() {
    upstreams.acquire("web:80").release();
    var returning = upstreams.acquire("web:80");
    runDue();

    assertThat(closed).isEmpty();
    assertThat(returning.value()).isEqualTo("web:80#1");
  }

  @Test
  void releasingTwiceCountsOnce() {
    var first = upstreams.acquire("web:80");
    var second = upstreams.acquire("web:80");
    first.release();
    first.release();
    runDue();

    assertThat(closed).isEmpty();
    second.release();
    runDue();
    assertThat(closed).containsExactly("web:80#1");
  }

  @Test
  void aStaleCheckDoesNotCloseTheUpstreamThatReplacedAnEvictedOne() {
    upstreams.acquire("web:80").release();
    Runnable firstCheck = due.removeFirst();
    firstCheck.run();
    var fresh = upstreams.acquire("web:80");
    firstCheck.run(); // the old entry's check, delivered late

    assertThat(closed).containsExactly("web:80#1");
    assertThat(fresh.value()).isEqualTo("web:80#2");
    assertThat(upstreams.size()).isEqualTo(1);
  }

  @Test
  void closeAllClosesWhatIsStillInUse() {
    upstreams.acquire("a:80");
    upstreams.acquire("b:80");
    upstreams.closeAll();

    assertThat(closed).containsExactlyInAnyOrder("a:80#1", "b:80#2");
    assertThat(upstreams.size()).isZero();
  }

  private void runDue() {
    List<Runnable> now = new ArrayList<>(due);
    due.clear();
    now.forEach(Runnable::run);
  }
}
