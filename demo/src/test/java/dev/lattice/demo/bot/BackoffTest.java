package dev.lattice.demo.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesUpToTheCapAndResetsOnSuccess() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));

    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(500));
    backoff.succeeded();
    assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
  }
}
