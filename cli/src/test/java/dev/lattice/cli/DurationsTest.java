package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesGoStyleDurationsAndDays() {
    assertThat(Durations.parse("8760h")).isEqualTo(Duration.ofHours(8760));
    assertThat(Durations.parse("365d")).isEqualTo(Duration.ofDays(365));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("2d12h30m15s")).isEqualTo(Duration.parse("P2DT12H30M15S"));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void rejectsWhatIsNotADurationNamingTheText() {
    for (String bad : new String[] {"", "10", "h", "10x", "1.5h", "-5h", "1y", "5 h"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not a duration");
    }
    assertThatThrownBy(() -> Durations.parse("0h")).hasMessageContaining("is zero");
    assertThatThrownBy(() -> Durations.parse("99999999999999999999d")).hasMessageContaining("too long");
  }

  @Test
  void formatsTwoUnitsAtMost() {
    assertThat(Durations.format(Duration.ofHours(87600).minusMinutes(1))).isEqualTo("3649d 23h");
    assertThat(Durations.format(Duration.ofMinutes(312))).isEqualTo("5h 12m");
    assertThat(Durations.format(Duration.ofSeconds(42))).isEqualTo("42s");
  }
}
