package dev.lattice.proxy.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefreshPolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration MIN = Duration.ofSeconds(10);
  private static final Duration MAX = Duration.ofHours(24);

  @Test
  void refreshesAtSeventyPercentOfWhatIsLeft() {
    RefreshPolicy policy = policy(MIN, MAX, 0.5);
    // Linkerd's default: a 24 h certificate is refreshed after 16.8 h.
    assertThat(policy.afterSuccess(NOW, NOW.plus(Duration.ofHours(24)))).isEqualTo(Duration.ofMinutes(1008));
    assertThat(policy.afterSuccess(NOW, NOW.plusSeconds(100))).isEqualTo(Duration.ofSeconds(70));
  }

  @Test
  void successDelayIsClampedToTheBounds() {
    assertThat(policy(MIN, MAX, 0.5).afterSuccess(NOW, NOW.plusSeconds(5))).isEqualTo(MIN);
    assertThat(policy(MIN, MAX, 0.5).afterSuccess(NOW, NOW.minusSeconds(5))).isEqualTo(MIN);
    assertThat(policy(MIN, Duration.ofHours(1), 0.5).afterSuccess(NOW, NOW.plus(Duration.ofDays(30))))
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void failuresDoubleFromMinRefreshWithinTheJitterBand() {
    for (double u : new double[] {0.0, 0.3, 0.999}) {
      RefreshPolicy policy = policy(MIN, MAX, u);
      for (int n = 1; n <= 3; n++) {
        long base = 10_000L << (n - 1);
        Duration delay = policy.afterFailure(n, NOW, Optional.empty());
        assertThat(delay.toMillis()).as("failure %d, u=%s", n, u).isBetween(base / 2, base);
        assertThat(delay.toMillis()).isEqualTo((long) (base * (0.5 + 0.5 * u)));
      }
    }
  }

  @Test
  void withoutACertificateRetriesAreCappedAtAMinute() {
    RefreshPolicy policy = policy(MIN, MAX, 0.999);
    assertThat(policy.afterFailure(30, NOW, Optional.empty())).isLessThanOrEqualTo(Duration.ofMinutes(1));
    assertThat(policy.afterFailure(1_000, NOW, Optional.empty())).isGreaterThan(Duration.ofSeconds(59));
    // An expired certificate counts as none.
    assertThat(policy.afterFailure(30, NOW, Optional.of(NOW.minusSeconds(1)))).isLessThanOrEqualTo(Duration.ofMinutes(1));
    // A min_refresh above the cap still wins: it is the operator's floor.
    assertThat(policy(Duration.ofMinutes(5), MAX, 0.999).afterFailure(1, NOW, Optional.empty()))
        .isGreaterThan(Duration.ofMinutes(4));
  }

  @Test
  void withACertificateRetriesComeBeforeItExpires() {
    RefreshPolicy policy = policy(MIN, MAX, 0.999);
    Instant expiry = NOW.plusSeconds(25);
    assertThat(policy.afterFailure(1, NOW, Optional.of(expiry))).isLessThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(policy.afterFailure(3, NOW, Optional.of(expiry))).isLessThanOrEqualTo(Duration.ofSeconds(25));
    assertThat(policy.afterFailure(20, NOW, Optional.of(NOW.plusMillis(30)))).isEqualTo(Duration.ofMillis(30));
  }

  @Test
  void aZeroMinRefreshNeverSpins() {
    RefreshPolicy policy = policy(Duration.ZERO, Duration.ZERO, 0.0);
    assertThat(policy.afterFailure(1, NOW, Optional.empty())).isGreaterThanOrEqualTo(RefreshPolicy.MIN_DELAY);
    assertThat(policy(Duration.ZERO, MAX, 0.0).afterFailure(1, NOW, Optional.empty()))
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void countsFailuresFromOne() {
    assertThatThrownBy(() -> policy(MIN, MAX, 0.5).afterFailure(0, NOW, Optional.empty()))
        .hasMessageContaining("consecutiveFailures: 0");
  }

  private static RefreshPolicy policy(Duration min, Duration max, double u) {
    IdentityClientTest.ScriptedRandom random = new IdentityClientTest.ScriptedRandom();
    random.always(u);
    return new RefreshPolicy(min, max, random);
  }
}
