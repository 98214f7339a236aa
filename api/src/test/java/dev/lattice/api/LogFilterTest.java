package dev.lattice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.LogFilter.Level;
import org.junit.jupiter.api.Test;

class LogFilterTest {
  @Test
  void linkerdsUsualFilterMeansTheSameHere() {
    LogFilter f = LogFilter.parse("warn,linkerd=info,hickory=error");

    assertThat(f.levelFor("dev.lattice.proxy.http.Exchange")).isEqualTo(Level.INFO);
    assertThat(f.levelFor("io.netty.handler.ssl.SslHandler")).isEqualTo(Level.WARN);
    assertThat(f.text()).isEqualTo("warn,linkerd=info,hickory=error");
  }

  @Test
  void theMostSpecificTargetWinsWhateverTheOrder() {
    LogFilter f = LogFilter.parse("dev.lattice.proxy.http=trace,error,lattice=warn");

    assertThat(f.levelFor("dev.lattice.proxy.http.H1Server")).isEqualTo(Level.TRACE);
    assertThat(f.levelFor("dev.lattice.proxy.httpx.Other")).as("a prefix ends at a dot").isEqualTo(Level.WARN);
    assertThat(f.levelFor("dev.lattice.proxy.tcp.Splice")).isEqualTo(Level.WARN);
    assertThat(f.levelFor("io.grpc.Foo")).isEqualTo(Level.ERROR);
  }

  @Test
  void levelsIgnoreCaseAndEmptyDirectivesAreSkipped() {
    LogFilter f = LogFilter.parse(" DEBUG , ");

    assertThat(f.levelFor("anything")).isEqualTo(Level.DEBUG);
    assertThat(LogFilter.parse("linkerd=off").levelFor("dev.lattice.x")).isEqualTo(Level.OFF);
    assertThat(LogFilter.parse("linkerd=off").levelFor("io.netty.x")).as("default info").isEqualTo(Level.INFO);
  }

  @Test
  void badFiltersNameWhatIsWrong() {
    assertThatThrownBy(() -> LogFilter.parse("warn,linkerd=loud")).hasMessageContaining("'loud' is not a level");
    assertThatThrownBy(() -> LogFilter.parse("=debug")).hasMessageContaining("'=debug': expected target=level");
    assertThatThrownBy(() -> LogFilter.parse("warn,linkerd=")).hasMessageContaining("'linkerd=': expected target=level");
    assertThatThrownBy(() -> LogFilter.parse(" ")).hasMessageContaining("empty filter");
  }
}
