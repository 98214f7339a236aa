package dev.lattice.proxy.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child process started by the test ({@code ip netns exec …}) that signals readiness with a
 * {@code READY} line. Stopping it kills only this process and its own descendants, by pid.
 */
final class NamespaceChild implements AutoCloseable {
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private NamespaceChild(Process process) {
    this.process = process;
    Thread.ofVirtual().start(this::pump);
  }

  static NamespaceChild start(List<String> argv, Duration readyWithin) throws IOException {
    NamespaceChild child = new NamespaceChild(new ProcessBuilder(argv).redirectErrorStream(true).start());
    try {
      child.ready.get(readyWithin.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException | InterruptedException e) {
      child.close();
      throw new IllegalStateException("child never printed READY within " + readyWithin + ": "
          + String.join(" ", argv) + "\noutput:\n" + String.join("\n", child.output), e);
    }
    return child;
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        output.add(line);
        if (line.equals("READY")) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      // The child died; whatever it printed is in output.
    }
    ready.completeExceptionally(new IllegalStateException("child exited with output " + output));
  }

  List<String> output() {
    return List.copyOf(output);
  }

  @Override
  public void close() {
    // Closing stdin asks the server to exit; destroy makes sure. Only our own process tree is touched.
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // Already gone.
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
