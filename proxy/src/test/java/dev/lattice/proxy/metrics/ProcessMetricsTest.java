package dev.lattice.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessMetricsTest {
  @Test
  void reportsThisProcess() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    MetricsRegistry registry = new MetricsRegistry();
    ProcessMetrics.register(registry);

    PrometheusText parsed = PrometheusText.parse(registry.render());
    double start = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;
    assertThat(parsed.value("process_start_time_seconds")).hasValue(start);
    assertThat(parsed.value("process_resident_memory_bytes").orElseThrow())
        .isGreaterThan(1 << 20).isEqualTo(Math.rint(parsed.value("process_resident_memory_bytes").orElseThrow()));
    assertThat(parsed.value("process_virtual_memory_bytes").orElseThrow())
        .isGreaterThan(parsed.value("process_resident_memory_bytes").orElseThrow());
    assertThat(parsed.value("process_open_fds").orElseThrow()).isGreaterThan(2);
    assertThat(parsed.value("process_threads").orElseThrow()).isGreaterThanOrEqualTo(1);
    assertThat(parsed.value("process_cpu_seconds_total").orElseThrow()).isPositive();
    assertThat(parsed.type("process_cpu_seconds_total")).contains("counter");
  }

  @Test
  void openFdsFollowOpenFiles() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    MetricsRegistry registry = new MetricsRegistry();
    ProcessMetrics.register(registry);
    double before = PrometheusText.parse(registry.render()).value("process_open_fds").orElseThrow();
    Path file = Files.createTempFile("fds", ".txt");
    try (var _ = Files.newInputStream(file); var _ = Files.newInputStream(file); var _ = Files.newInputStream(file)) {
      double during = PrometheusText.parse(registry.render()).value("process_open_fds").orElseThrow();
      // Other threads (the JIT, surefire) may open a file meanwhile; ours are at least three more.
      assertThat(during).isGreaterThanOrEqualTo(before + 3);
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void leavesProcSeriesOutWithoutProc(@org.junit.jupiter.api.io.TempDir Path empty) {
    MetricsRegistry registry = new MetricsRegistry();
    ProcessMetrics.register(registry, empty);
    PrometheusText parsed = PrometheusText.parse(registry.render());
    assertThat(parsed.value("process_start_time_seconds")).isPresent();
    assertThat(parsed.series("process_resident_memory_bytes")).isEmpty();
  }

  @Test
  void buildInfoIsAConstantOne() {
    MetricsRegistry registry = new MetricsRegistry();
    new BuildInfo("0.1.0", "abc123", "2026-01-01", "release", "lattice").register(registry);
    PrometheusText parsed = PrometheusText.parse(registry.render());
    assertThat(parsed.value("proxy_build_info", "date", "2026-01-01", "git_sha", "abc123", "profile", "release",
        "vendor", "lattice", "version", "0.1.0")).hasValue(1);
    assertThat(BuildInfo.fromManifest().vendor()).isEqualTo("lattice");
  }
}
