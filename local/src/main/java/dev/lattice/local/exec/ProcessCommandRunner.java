package dev.lattice.local.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as real child processes with a deadline. {@code ip} and {@code iptables} finish in
 * milliseconds; the deadline only exists so that a wedged xtables lock fails a test instead of
 * hanging it.
 */
public final class ProcessCommandRunner implements CommandRunner {
  // Commands get an empty stdin: none of them reads input, and a stray prompt must not hang a run.
  private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));

  private final Duration timeout;

  private ProcessCommandRunner(Duration timeout) {
    this.timeout = timeout;
  }

  /** A runner that gives each command {@code timeout} to finish before killing it. */
  public static ProcessCommandRunner withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    return new ProcessCommandRunner(timeout);
  }

  /** A runner with a 60-second deadline per command. */
  public static ProcessCommandRunner create() {
    return withTimeout(Duration.ofSeconds(60));
  }

  @Override
  public CommandResult run(List<String> argv) {
    Process process;
    try {
      process = new ProcessBuilder(argv).redirectInput(NO_INPUT).start();
    } catch (IOException e) {
      throw new CommandFailedException("cannot start " + String.join(" ", argv) + ": " + e.getMessage(), e);
    }
    // Both pipes are drained concurrently: a command that fills one pipe while we wait on the other
    // would otherwise deadlock.
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new CommandFailedException(
            "timed out after " + timeout + ": " + String.join(" ", argv), null);
      }
      return new CommandResult(argv, process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException("interrupted while running " + String.join(" ", argv), e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (in) {
        result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        result.completeExceptionally(new UncheckedIOException(e));
      }
    });
    return result;
  }
}
