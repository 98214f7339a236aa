package dev.lattice.proxy.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.identity.FakeIdentityServer.Outcome;
import dev.lattice.proxy.metrics.MetricsRegistry;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload's private key must never leave the process: it is in no log line (debug included)
 * and in no file written while the proxy obtains and refreshes certificates, whatever goes wrong.
 */
class KeyConfinementTest {
  private static final IdentityName ME = new IdentityName("web.emojivoto.serviceaccount.identity.linkerd.cluster.local");
  private static final long MAX_SCANNED_FILE = 16L << 20;

  @TempDir Path dir;

  @BeforeAll
  static void pollEagerly() {
    // Virtual time makes every wait a short one; the default 100 ms poll delay would dominate.
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
  }

  @AfterAll
  static void resetPolling() {
    Awaitility.reset();
  }

  @Test
  void thePrivateKeyIsInNoLogAndNoFile() throws Exception {
    // File times are coarse on some filesystems; look a little further back.
    long since = System.currentTimeMillis() - 2_000;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    Credentials credentials;
    List<FakeIdentityServer.Received> wire;
    System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(captured, originalOut), true, StandardCharsets.UTF_8));
    VirtualTime time = new VirtualTime(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (FakeIdentityServer server = new FakeIdentityServer(time, Duration.ofSeconds(100))) {
      Path token = dir.resolve("token");
      Files.writeString(token, "token");
      IdentityConfig config = new IdentityConfig(ME, server.trustAnchors(), token, server.address(), Optional.empty(),
          Duration.ofSeconds(10), Duration.ofHours(24));
      // Walk every log path: a failed call, two refused certificates, a success and a refresh.
      server.script(new Outcome.Fail(Status.UNAVAILABLE), new Outcome.ForeignAnchor(), new Outcome.OtherKey());
      try (IdentityClient client = IdentityClient.builder(config).clock(time).scheduler(time)
          .metrics(new MetricsRegistry()).build()) {
        client.start();
        for (int i = 0; i < 4; i++) {
          await().until(() -> client.nextAttemptAt().isPresent());
          time.advanceTo(client.nextAttemptAt().orElseThrow());
        }
        await().until(() -> server.calls() == 5);
        credentials = client.certified().get(10, TimeUnit.SECONDS);
        await().until(() -> client.current().orElseThrow() != credentials);
        System.err.println("credentials: " + credentials);
      }
      wire = server.received();
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    String logs = captured.toString(StandardCharsets.UTF_8);
    // The capture works: the lines we expect are there.
    assertThat(logs).contains("Certified identity " + ME, "Failed to certify identity", "different key",
        "credentials: Credentials[" + ME);
    KeyForms key = KeyForms.of((ECPrivateKey) credentials.key());
    key.assertAbsent("logs", logs.getBytes(StandardCharsets.UTF_8));

    // Not on the wire either: only the CSR (public key) and the token leave the process.
    for (FakeIdentityServer.Received call : wire) {
      key.assertAbsent("CSR", call.csr());
      key.assertAbsent("token", call.token());
    }

    List<Path> scanned = new ArrayList<>();
    Set<Path> roots = new HashSet<>(List.of(dir.toRealPath(),
        Path.of(System.getProperty("java.io.tmpdir")).toRealPath(), Path.of("").toAbsolutePath().toRealPath()));
    for (Path root : roots) {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (attributes.isRegularFile() && attributes.lastModifiedTime().toMillis() >= since
              && attributes.size() <= MAX_SCANNED_FILE && Files.isReadable(file)) {
            try {
              key.assertAbsent(file.toString(), Files.readAllBytes(file));
              scanned.add(file);
            } catch (IOException e) {
              // Vanished or unreadable meanwhile (another build); nothing of ours.
            }
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    }
    // At least the token file was written during the test, so the scan looked at real files.
    assertThat(scanned).contains(dir.toRealPath().resolve("token"));
  }

  /** The private scalar in every encoding a careless log line or file could carry it. */
  private record KeyForms(List<byte[]> patterns, List<String> names) {
    static KeyForms of(ECPrivateKey key) {
      byte[] s = unsigned32(key.getS());
      List<byte[]> patterns = new ArrayList<>();
      List<String> names = new ArrayList<>();
      add(patterns, names, "PKCS#8 DER", key.getEncoded());
      add(patterns, names, "raw scalar", s);
      add(patterns, names, "hex", HexFormat.of().formatHex(s).getBytes(StandardCharsets.US_ASCII));
      add(patterns, names, "HEX", HexFormat.of().withUpperCase().formatHex(s).getBytes(StandardCharsets.US_ASCII));
      add(patterns, names, "decimal", key.getS().toString().getBytes(StandardCharsets.US_ASCII));
      // Base64 of a larger buffer holding the scalar contains, at one of three alignments, these 36 chars.
      for (int k = 0; k < 3; k++) {
        byte[] aligned = Arrays.copyOfRange(s, k, k + 27);
        add(patterns, names, "base64@" + k, Base64.getEncoder().encode(aligned));
      }
      return new KeyForms(patterns, names);
    }

    void assertAbsent(String where, byte[] content) {
      // PEM and MIME break base64 into lines; look at the text without them too.
      byte[] joined = new String(content, StandardCharsets.ISO_8859_1).replaceAll("\\s", "")
          .getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < patterns.size(); i++) {
        assertThat(indexOf(content, patterns.get(i)) < 0 && indexOf(joined, patterns.get(i)) < 0)
            .as("private key (%s) found in %s", names.get(i), where).isTrue();
      }
    }

    private static void add(List<byte[]> patterns, List<String> names, String name, byte[] pattern) {
      patterns.add(pattern);
      names.add(name);
    }

    private static byte[] unsigned32(BigInteger value) {
      byte[] bytes = value.toByteArray();
      byte[] out = new byte[32];
      int copy = Math.min(bytes.length, 32);
      System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
      return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i <= haystack.length - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  /** Copies what is written to the console into the capture as well. */
  private static final class Tee extends OutputStream {
    private final OutputStream capture;
    private final OutputStream console;

    Tee(OutputStream capture, OutputStream console) {
      this.capture = capture;
      this.console = console;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      capture.write(b);
      console.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      capture.write(b, off, len);
      console.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      console.flush();
    }
  }
}
