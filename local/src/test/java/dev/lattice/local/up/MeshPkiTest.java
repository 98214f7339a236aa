package dev.lattice.local.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.local.state.StateDir;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshPkiTest {
  private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
  @TempDir Path tmp;

  @Test
  void generatesOnceThenKeeps() throws Exception {
    StateDir dir = new StateDir(tmp.resolve("state"));
    assertThat(MeshPki.ensure(dir, Optional.empty(), NOW)).contains("(generated;", "CN=root.linkerd.cluster.local",
        "issuer CN=identity.linkerd.cluster.local");
    byte[] anchor = Files.readAllBytes(dir.trustAnchor());
    assertThat(Files.getPosixFilePermissions(dir.issuerDirectory().resolve("key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(MeshPki.ensure(dir, Optional.empty(), NOW)).contains("kept from an earlier run");
    assertThat(Files.readAllBytes(dir.trustAnchor())).isEqualTo(anchor);
  }

  @Test
  void takesLinkerdStyleFilesAfterCheckingThem() throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"),
        KeyPairs.generateP256(), NOW.minusSeconds(60));
    CertificateAuthority issuer = root.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"),
        KeyPairs.generateP256(), NOW.minusSeconds(60));
    Path ca = tmp.resolve("ca.crt");
    Path crt = tmp.resolve("issuer.crt");
    Path key = tmp.resolve("issuer.key");
    Pem.writeCertificates(ca, List.of(root.certificate()));
    Pem.writeCertificates(crt, issuer.chain());
    Pem.writePrivateKey(key, issuer.privateKey());
    StateDir dir = new StateDir(tmp.resolve("state"));

    assertThat(MeshPki.ensure(dir, Optional.of(new MeshPki.External(ca, crt, key)), NOW)).contains("from " + ca);
    assertThat(Files.readAllBytes(dir.trustAnchor())).isEqualTo(Files.readAllBytes(ca));

    Path otherKey = tmp.resolve("other.key");
    Pem.writePrivateKey(otherKey, KeyPairs.generateP256().getPrivate());
    assertThatThrownBy(() -> MeshPki.ensure(dir, Optional.of(new MeshPki.External(ca, crt, otherKey)), NOW))
        .hasMessageContaining("the issuer key " + otherKey + " does not belong to " + crt);

    CertificateAuthority stranger = CertificateAuthority.createRoot(CaProfile.root("other"), KeyPairs.generateP256(),
        NOW.minusSeconds(60));
    Path otherCa = tmp.resolve("other.crt");
    Pem.writeCertificates(otherCa, List.of(stranger.certificate()));
    assertThatThrownBy(() -> MeshPki.ensure(dir, Optional.of(new MeshPki.External(otherCa, crt, key)), NOW))
        .hasMessageContaining("does not verify against the trust anchors");
  }
}
