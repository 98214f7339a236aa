package dev.lattice.proxy.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The standard {@code process_*} series, read at scrape time. The memory, thread and file-descriptor
 * series come from {@code /proc/self} and are left out where it does not exist (not Linux).
 *
 * <p>Memory is read from {@code /proc/self/status} (kB) rather than {@code statm} (pages) because Java
 * has no portable way to ask for the page size.
 */
public final class ProcessMetrics {
  private final Path proc;

  private ProcessMetrics(Path proc) {
    this.proc = proc;
  }

  /** Registers the process series on {@code registry}. */
  public static void register(MetricsRegistry registry) {
    register(registry, Path.of("/proc/self"));
  }

  static void register(MetricsRegistry registry, Path proc) {
    ProcessMetrics process = new ProcessMetrics(proc);
    double startSeconds = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;
    registry.gauge("process_start_time_seconds", "Time that the process started (in seconds since the UNIX epoch)",
        () -> startSeconds);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      registry.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          () -> os.getProcessCpuTime() / 1e9);
    }
    if (!Files.isRegularFile(proc.resolve("status"))) {
      return;
    }
    registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
        () -> process.statusKilobytes("VmRSS").orElse(0) * 1024);
    registry.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
        () -> process.statusKilobytes("VmSize").orElse(0) * 1024);
    registry.gauge("process_threads", "Number of OS threads in the process.",
        () -> process.statusNumber("Threads").orElse(0));
    registry.gauge("process_open_fds", "Number of open file descriptors.", process::openFds);
    process.maxFds().ifPresent(max ->
        registry.gauge("process_max_fds", "Maximum number of open file descriptors.", () -> max));
  }

  private OptionalDouble statusKilobytes(String field) {
    return statusNumber(field);
  }

  /** The first number on the {@code field:} line of /proc/self/status. */
  private OptionalDouble statusNumber(String field) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith(field + ":")) {
          String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
          return OptionalDouble.of(Double.parseDouble(parts[0]));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // A scrape must not fail because one series is unreadable.
    }
    return OptionalDouble.empty();
  }

  private double openFds() {
    int count = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path ignored : fds) {
        count++;
      }
    } catch (IOException e) {
      return 0;
    }
    // The directory stream itself holds a descriptor while we count; do not report it.
    return Math.max(0, count - 1);
  }

  private OptionalDouble maxFds() {
    try {
      List<String> lines = Files.readAllLines(proc.resolve("limits"));
      for (String line : lines) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(soft));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Leave the series out.
    }
    return OptionalDouble.empty();
  }
}
