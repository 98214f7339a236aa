package dev.lattice.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code lattice} entry point as its own process, exactly as {@code ./lattice} does
 * (same class path, same JVM flags), minus the script's build step: the reactor has built it.
 */
final class Lattice {
  static final Path HOME = Path.of(System.getProperty("user.dir")).getParent();

  private Lattice() {}

  record Run(int exitCode, String output, Duration elapsed) {
    @Override
    public String toString() {
      return "exit " + exitCode + " after " + elapsed.toMillis() + " ms:\n" + output;
    }
  }

  /** Fails the test with a clear message if a module the mesh launches was not packaged. */
  static void requireBuilt() {
    for (String module : List.of("cli", "proxy", "demo")) {
      if (!Files.isDirectory(HOME.resolve(module + "/target/lib"))) {
        throw new IllegalStateException(module + "/target/lib is missing: run the e2e tests through the reactor's "
            + "package phase or later (./test, or ./mvnw -B -pl e2e -am verify)");
      }
    }
  }

  static Run run(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp",
        HOME.resolve("cli/target/classes") + File.pathSeparator + HOME.resolve("cli/target/lib") + "/*",
        "dev.lattice.cli.LatticeMain"));
    argv.addAll(List.of(args));
    long started = System.nanoTime();
    Process process = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    var output = process.getInputStream();
    var text = new StringBuilder();
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        text.append(new String(output.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.append("(output unreadable: ").append(e).append(')');
      }
    });
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      reader.join(2000);
      throw new AssertionError("lattice " + String.join(" ", args) + " did not finish within " + timeout + ":\n" + text);
    }
    reader.join();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    return new Run(process.exitValue(), text.toString(), elapsed);
  }
}
