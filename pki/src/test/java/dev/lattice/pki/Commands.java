package dev.lattice.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real processes (openssl, a child JVM) for the PEM and CSR tests, output merged. */
final class Commands {
  /** What a finished process printed and how it exited. */
  record Result(int exitCode, String output) {}

  private Commands() {}

  /** Runs {@code command} in {@code dir} and asserts it exits 0; returns its output. */
  static String ok(Path dir, String... command) {
    Result result = run(dir, List.of(command));
    assertThat(result.exitCode()).as("%s exited with output:%n%s", String.join(" ", command), result.output()).isZero();
    return result.output();
  }

  static Result run(Path dir, List<String> command) {
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      // Read before waiting: a process that fills the pipe would otherwise never exit.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }
}
