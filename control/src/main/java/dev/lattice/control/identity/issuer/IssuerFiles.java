package dev.lattice.control.identity.issuer;

import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.IssuerCredentials;
import dev.lattice.pki.Pem;
import dev.lattice.pki.PkiException;
import dev.lattice.pki.TrustBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where the issuer lives on disk, as Linkerd mounts it: a directory holding {@code crt.pem} +
 * {@code key.pem} (Secret type {@code linkerd.io/tls}) or {@code tls.crt} + {@code tls.key}
 * ({@code kubernetes.io/tls}), and a trust-anchor bundle file (e.g. {@code ca-bundle.crt}).
 *
 * <p>Files are always opened by name, so a Kubernetes secret volume ({@code crt.pem ->
 * ..data/crt.pem}, {@code ..data -> ..2026_11_30_…}) is followed to whatever {@code ..data} points at
 * when the read happens.
 */
public record IssuerFiles(Path directory, Path trustAnchorsFile) {
  public static final String LINKERD_CERT = "crt.pem";
  public static final String LINKERD_KEY = "key.pem";
  public static final String KUBERNETES_CERT = "tls.crt";
  public static final String KUBERNETES_KEY = "tls.key";

  public IssuerFiles {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(trustAnchorsFile, "trustAnchorsFile");
  }

  /**
   * Reads the raw bytes of the current certificate, key and anchors. Throws {@link PkiException}
   * naming the missing or unreadable file.
   */
  public Snapshot read() {
    Path cert;
    Path key;
    if (Files.exists(directory.resolve(LINKERD_CERT)) || Files.exists(directory.resolve(LINKERD_KEY))) {
      cert = directory.resolve(LINKERD_CERT);
      key = directory.resolve(LINKERD_KEY);
    } else if (Files.exists(directory.resolve(KUBERNETES_CERT)) || Files.exists(directory.resolve(KUBERNETES_KEY))) {
      cert = directory.resolve(KUBERNETES_CERT);
      key = directory.resolve(KUBERNETES_KEY);
    } else {
      throw new PkiException("no issuer in " + directory + " (expected " + LINKERD_CERT + " + " + LINKERD_KEY
          + " or " + KUBERNETES_CERT + " + " + KUBERNETES_KEY + ")");
    }
    byte[] certBytes = readFile(cert, "issuer certificate");
    byte[] keyBytes = readFile(key, "issuer key");
    byte[] anchorBytes = readFile(trustAnchorsFile, "trust anchors");
    return new Snapshot(cert, key, certBytes, keyBytes, anchorBytes, fingerprint(certBytes, keyBytes, anchorBytes));
  }

  /** Read bytes of one issuer generation; {@link #load} turns them into an {@link Issuer} or says why not. */
  public record Snapshot(
      Path certificateFile, Path keyFile, byte[] certificate, byte[] key, byte[] anchors, String fingerprint) {

    /**
     * Parses and validates (with pki's {@link IssuerCredentials}: key matches, is a CA, P-256, chains to
     * the anchors, valid at {@code now}). Throws {@link PkiException} with the file and the reason.
     */
    public Issuer load(Instant now) {
      TrustBundle trustAnchors = parse(() -> new TrustBundle(Pem.parseCertificates(ascii(anchors))), "trust anchors");
      var chain = parse(() -> Pem.parseCertificates(ascii(certificate)), certificateFile.toString());
      PrivateKey privateKey = parse(() -> Pem.parsePrivateKey(ascii(key)), keyFile.toString());
      CertificateAuthority authority = IssuerCredentials.validate(chain, privateKey, trustAnchors, now);
      return Issuer.of(authority, trustAnchors, fingerprint);
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String what) {
      try {
        return parser.get();
      } catch (PkiException | IllegalArgumentException e) {
        throw new PkiException(what + ": " + e.getMessage(), e);
      }
    }

    private static String ascii(byte[] bytes) {
      return new String(bytes, StandardCharsets.US_ASCII);
    }
  }

  private static byte[] readFile(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PkiException("cannot read " + what + " " + file + ": " + e, e);
    }
  }

  private static String fingerprint(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        // Length-prefixed so moving bytes between files changes the fingerprint.
        digest.update(java.nio.ByteBuffer.allocate(4).putInt(part.length).array());
        digest.update(part);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
