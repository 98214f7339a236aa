package dev.lattice.local.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesToTheCapAndResetsAfterAStableRun() {
    Backoff backoff = new Backoff();
    Duration quick = Duration.ofMillis(100);
    assertThat(backoff.after(quick)).hasSeconds(1);
    assertThat(backoff.after(quick)).hasSeconds(2);
    assertThat(backoff.after(quick)).hasSeconds(4);
    assertThat(backoff.after(quick)).hasSeconds(8);
    assertThat(backoff.after(quick)).hasSeconds(16);
    assertThat(backoff.after(quick)).hasSeconds(16);
    assertThat(backoff.after(Duration.ofSeconds(31))).hasSeconds(1);
  }

  @Test
  void exposeParsesAndExplains() {
    Supervisor.Expose e = Supervisor.Expose.parse("emojivoto/web:8080@7080");
    assertThat(e).isEqualTo(new Supervisor.Expose("emojivoto", "web", 8080, 7080));
    assertThat(Supervisor.Expose.parse("demo/hello:8000").listenPort()).isZero();
    assertThatThrownBy(() -> Supervisor.Expose.parse("web:8080"))
        .hasMessageContaining("expected: NAMESPACE/WORKLOAD:PORT[@LISTEN_PORT]");
  }
}
