package dev.lattice.local.supervise;

import dev.lattice.local.state.PidFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One process the supervisor runs: its argv, a clean environment and a log file (appended to, stdout
 * and stderr together). Every start is recorded in the pid files so {@code down} finds it.
 */
final class Child {
  private final String name;
  private final List<String> argv;
  private final Map<String, String> env;
  private final Path log;
  private final PidFiles pids;
  private volatile Process process;

  Child(String name, List<String> argv, Map<String, String> env, Path log, PidFiles pids) {
    this.name = name;
    this.argv = List.copyOf(argv);
    this.env = Map.copyOf(env);
    this.log = log;
    this.pids = pids;
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  synchronized Process start() throws IOException {
    Files.createDirectories(log.getParent());
    Files.writeString(log, "--- lattice: starting " + String.join(" ", argv) + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    ProcessBuilder builder = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process started = builder.start();
    pids.record(name, started.toHandle());
    process = started;
    return started;
  }

  Optional<Process> process() {
    return Optional.ofNullable(process);
  }

  boolean alive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** SIGTERM (the process's own clean shutdown) without waiting. */
  void terminate() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
    }
  }

  /** Waits up to {@code millis} for the process to end, then SIGKILLs it; forgets its pid file. */
  void awaitOrKill(long millis) {
    Process p = process;
    if (p != null) {
      try {
        if (!p.waitFor(millis, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    pids.forget(name);
  }
}
