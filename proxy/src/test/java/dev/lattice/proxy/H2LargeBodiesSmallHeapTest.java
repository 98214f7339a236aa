package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.TestApp;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 end to end (app → A → mTLS → B → h2c app) with sidecar-sized heaps (-Xmx64m, which caps
 * direct memory too): a body larger than the heap must stream both ways, and a client reading far
 * slower than the app writes must be held back by flow control rather than buffered.
 */
class H2LargeBodiesSmallHeapTest {
  static final long SIZE = 96L * 1024 * 1024;

  @TempDir
  static Path dir;
  static TestApp app;
  static ProxyMainTest.Proc b;
  static ProxyMainTest.Proc a;
  static int entryPort;

  @BeforeAll
  static void start() throws Exception {
    app = new TestApp();
    ProxyMainTest.Pair pair = ProxyMainTest.Pair.start(dir, app, Map.of());
    a = pair.a();
    b = pair.b();
    entryPort = pair.entryPort();
  }

  @AfterAll
  static void stop() {
    ProxyMainTest.Pair.stop(a, b);
    app.close();
  }

  @Test
  void largeH2UploadStreamsThroughSmallHeaps() throws Exception {
    Path file = dir.resolve("upload.bin");
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] chunk = new byte[1 << 20];
      Random random = new Random(5);
      for (long i = 0; i < SIZE; i += chunk.length) {
        random.nextBytes(chunk);
        md.update(chunk);
        out.write(chunk);
      }
    }
    Processes.Result up = Processes.run(List.of("curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + file,
        url("/digest")), null, 300);

    assertThat(up.out()).as(up.err()).isEqualTo(HexFormat.of().formatHex(md.digest()) + " " + SIZE);
    assertNoMemoryTrouble();
  }

  @Test
  void largeH2DownloadToASlowReaderIsHeldBackNotBuffered() throws Exception {
    // 96 MiB at 24 MB/s: ~4 s during which the app could write everything at once if nothing held it back.
    Processes.Result down = Processes.run(List.of("bash", "-c", "curl -sS --http2-prior-knowledge --limit-rate 24M "
        + url("/bytes?n=" + SIZE) + " | sha256sum"), null, 300);

    assertThat(down.out()).as(down.err()).startsWith(TestApp.patternDigest(SIZE));
    assertNoMemoryTrouble();
  }

  private static void assertNoMemoryTrouble() {
    assertThat(a.process().isAlive()).isTrue();
    assertThat(b.process().isAlive()).isTrue();
    assertThat(a.lines()).noneMatch(l -> l.contains("OutOfMemoryError") || l.contains("LEAK"));
    assertThat(b.lines()).noneMatch(l -> l.contains("OutOfMemoryError") || l.contains("LEAK"));
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + entryPort + path;
  }


}
