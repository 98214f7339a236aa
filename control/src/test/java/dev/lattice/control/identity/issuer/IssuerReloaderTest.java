package dev.lattice.control.identity.issuer;

import static dev.lattice.control.testing.TestPki.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.control.events.Event;
import dev.lattice.control.events.RecordingEventSink;
import dev.lattice.control.testing.TestClock;
import dev.lattice.control.testing.TestPki;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.IssuedCertificate;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IssuerReloaderTest {
  private static final TestPki PKI = new TestPki();
  private static final Event.ObjectRef CONTROLLER = new Event.ObjectRef("Deployment", "linkerd", "linkerd-identity");

  @TempDir Path dir;
  private Path issuerDir;
  private Path anchorsFile;
  private final TestClock clock = new TestClock(NOW);
  private final RecordingEventSink events = new RecordingEventSink();
  private IssuerReloader reloader;

  @BeforeEach
  void layOutFiles() throws IOException {
    issuerDir = Files.createDirectories(dir.resolve("issuer"));
    anchorsFile = PKI.writeAnchors(dir.resolve("trust-roots/ca-bundle.crt"));
    reloader = new IssuerReloader(new IssuerFiles(issuerDir, anchorsFile), clock, events, CONTROLLER);
  }

  @AfterEach
  void close() {
    reloader.close();
  }

  @Test
  void loadsLinkerdAndKubernetesTlsFileNames() {
    TestPki.writeIssuer(issuerDir, PKI.issuer);
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Updated.class);
    assertThat(reloader.current().orElseThrow().certificate()).isEqualTo(PKI.issuer.certificate());
    assertThat(events.events()).containsExactly(Event.normal("IssuerUpdated", "Updated identity issuer", CONTROLLER));

    Path tlsDir = dir.resolve("tls");
    CertificateAuthority other = PKI.newIssuer();
    Pem.writeCertificates(tlsDir.resolve("tls.crt"), other.chain());
    Pem.writePrivateKey(tlsDir.resolve("tls.key"), other.privateKey());
    var tls = new IssuerReloader(new IssuerFiles(tlsDir, anchorsFile), clock, events, CONTROLLER);
    assertThat(tls.reload()).isInstanceOf(ReloadResult.Updated.class);
    assertThat(tls.current().orElseThrow().certificate()).isEqualTo(other.certificate());
  }

  @Test
  void unchangedFilesAreSilentAndTtlFollowsTheClock() {
    TestPki.writeIssuer(issuerDir, PKI.issuer);
    reloader.reload();
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Unchanged.class);
    TestPki.writeIssuer(issuerDir, PKI.issuer); // rewritten, same bytes
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Unchanged.class);
    assertThat(events.events()).hasSize(1);

    Duration ttl = Duration.between(NOW, PKI.issuer.certificate().getNotAfter().toInstant());
    assertThat(reloader.issuerTtl()).contains(ttl);
    clock.advance(Duration.ofDays(1));
    assertThat(reloader.issuerTtl()).contains(ttl.minusDays(1));
  }

  @Test
  void noIssuerFilesIsReportedWithTheNamesItLooksFor() {
    ReloadResult result = reloader.reload();
    assertThat(result).isInstanceOfSatisfying(ReloadResult.Skipped.class, s -> assertThat(s.reason())
        .isEqualTo("no issuer in " + issuerDir + " (expected crt.pem + key.pem or tls.crt + tls.key)"));
    assertThat(reloader.current()).isEmpty();
    assertThat(events.withReason("IssuerUpdateSkipped")).singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(Event.Type.WARNING));
  }

  /** Bad replacements; each must be refused with a reason, leaving the old issuer in service. */
  enum BadIssuer {
    SIGNED_BY_ANOTHER_ANCHOR("does not verify against the trust anchors") {
      @Override
      void write(Path dir) {
        CertificateAuthority foreign = new TestPki().issuer;
        TestPki.publishKubernetesStyle(dir, foreign);
      }
    },
    KEY_DOES_NOT_MATCH("the private key does not belong to the certificate") {
      @Override
      void write(Path dir) {
        TestPki.publishKubernetesStyle(dir, PKI.newIssuer().chain(), KeyPairs.generateP256().getPrivate());
      }
    },
    EXPIRED("does not verify against the trust anchors") {
      @Override
      void write(Path dir) {
        TestPki.publishKubernetesStyle(dir, PKI.newIssuer(Duration.ofHours(1), NOW.minus(Duration.ofHours(3))));
      }
    },
    NOT_A_CA("is not a CA") {
      @Override
      void write(Path dir) {
        var keys = KeyPairs.generateP256();
        IssuedCertificate leaf = PKI.issuer.issueLeaf(TestPki.WEB, keys.getPublic(), NOW, Duration.ofHours(24),
            Duration.ZERO);
        TestPki.publishKubernetesStyle(dir, leaf.chain(), keys.getPrivate());
      }
    },
    NOT_PEM("crt.pem") {
      @Override
      void write(Path dir) throws IOException {
        Path generation = Files.createTempDirectory(dir, "..garbage");
        Files.writeString(generation.resolve("crt.pem"), "not a certificate");
        Files.writeString(generation.resolve("key.pem"), "not a key");
        Path tmp = dir.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, generation.getFileName());
        Files.move(tmp, dir.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    };

    final String reason;

    BadIssuer(String reason) {
      this.reason = reason;
    }

    abstract void write(Path dir) throws IOException;
  }

  @ParameterizedTest
  @EnumSource(BadIssuer.class)
  void aBadReplacementIsRefusedOnceAndTheOldIssuerKeepsSigning(BadIssuer bad) throws IOException {
    TestPki.publishKubernetesStyle(issuerDir, PKI.issuer);
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Updated.class);
    reloader.startWatching(Duration.ZERO, Duration.ofMillis(20));

    bad.write(issuerDir);

    await().atMost(Duration.ofSeconds(10)).until(() -> !events.withReason("IssuerUpdateSkipped").isEmpty());
    Event skipped = events.withReason("IssuerUpdateSkipped").getFirst();
    assertThat(skipped.type()).isEqualTo(Event.Type.WARNING);
    assertThat(skipped.message()).startsWith("Skipping issuer update as certs could not be read from disk: ")
        .contains(bad.reason);
    assertThat(skipped.regarding()).isEqualTo(CONTROLLER);
    assertThat(reloader.current().orElseThrow().certificate()).isEqualTo(PKI.issuer.certificate());
    // Polling the same bad files again says nothing more.
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Unchanged.class);
    assertThat(events.withReason("IssuerUpdateSkipped")).hasSize(1);
    assertThat(events.withReason("IssuerUpdated")).hasSize(1);

    // And a good issuer afterwards is taken.
    CertificateAuthority next = PKI.newIssuer();
    TestPki.publishKubernetesStyle(issuerDir, next);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> reloader.current().orElseThrow().certificate().equals(next.certificate()));
    assertThat(events.withReason("IssuerUpdated")).hasSize(2);
  }

  @Test
  void anAtomicRenameOfPlainFilesIsPickedUpByTheWatcher() throws IOException {
    TestPki.writeIssuer(issuerDir, PKI.issuer);
    reloader.reload();
    reloader.startWatching(Duration.ZERO, Duration.ofMillis(20));

    CertificateAuthority next = PKI.newIssuer();
    TestPki.writeIssuer(issuerDir, next); // crt.pem then key.pem, each written to a temp file and renamed

    await().atMost(Duration.ofSeconds(10))
        .until(() -> reloader.current().orElseThrow().certificate().equals(next.certificate()));
    assertThat(events.withReason("IssuerUpdated").getLast().message()).isEqualTo("Updated identity issuer");
  }

  @Test
  void pollingAloneFindsAChange() throws IOException {
    TestPki.writeIssuer(issuerDir, PKI.issuer);
    reloader.reload();
    // A debounce of an hour means notifications cannot trigger the reload within this test: only polling can.
    reloader.startWatching(Duration.ofMillis(50), Duration.ofHours(1));

    CertificateAuthority next = PKI.newIssuer();
    TestPki.writeIssuer(issuerDir, next);

    await().atMost(Duration.ofSeconds(10))
        .until(() -> reloader.current().orElseThrow().certificate().equals(next.certificate()));
  }

  @Test
  void aChangedAnchorBundleIsReadOnReload() {
    TestPki.writeIssuer(issuerDir, PKI.issuer);
    reloader.reload();
    TestPki other = new TestPki();
    other.writeAnchors(anchorsFile); // the running issuer no longer chains to the anchors on disk

    assertThat(reloader.reload()).isInstanceOfSatisfying(ReloadResult.Skipped.class,
        s -> assertThat(s.reason()).contains("does not verify against the trust anchors"));
    assertThat(reloader.current().orElseThrow().certificate()).isEqualTo(PKI.issuer.certificate());

    TestPki.writeIssuer(issuerDir, other.issuer);
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Updated.class);
    assertThat(reloader.current().orElseThrow().anchors()).isEqualTo(other.anchors);
  }

  @Test
  void revertingToTheIssuerInServiceIsNotAnUpdate() {
    TestPki.writeIssuer(issuerDir, PKI.issuer);
    reloader.reload();
    TestPki.writeIssuer(issuerDir, PKI.newIssuer().chain(), KeyPairs.generateP256().getPrivate());
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Skipped.class);
    TestPki.writeIssuer(issuerDir, PKI.issuer);
    assertThat(reloader.reload()).isInstanceOf(ReloadResult.Unchanged.class);
    assertThat(events.events()).extracting(Event::reason).containsExactly("IssuerUpdated", "IssuerUpdateSkipped");
  }
}
