package dev.lattice.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.cli.CliRun;
import dev.lattice.cli.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
  private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

  @TempDir Path dir;

  @BeforeEach
  void createAnchorAndIssuer() {
    InstantSource clock = InstantSource.fixed(T0);
    assertThat(CliRun.run(clock, "identity", "create-trust-anchor", path("ca.crt"), path("ca.key")).exitCode())
        .isZero();
    assertThat(CliRun.run(clock, "identity", "create-issuer", path("issuer.crt"), path("issuer.key"),
        "--ca", path("ca.crt"), "--ca-key", path("ca.key")).exitCode()).isZero();
  }

  @Test
  void printsTheFactsOfEachCertificateAligned() throws IOException {
    Files.writeString(dir.resolve("both.crt"),
        Files.readString(dir.resolve("issuer.crt")) + Files.readString(dir.resolve("ca.crt")));
    String serial = Processes.run(dir, "openssl", "x509", "-in", "issuer.crt", "-noout", "-serial").output()
        .strip().substring("serial=".length());

    CliRun run = CliRun.run(InstantSource.fixed(T0.plus(Duration.ofDays(30))), "identity", "inspect", path("both.crt"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("Certificate 1 of 2 in " + path("both.crt") + "\n"
        + "  Subject:             CN=identity.linkerd.cluster.local\n"
        + "  SANs:                (none)\n"
        + "  Issuer:              CN=root.linkerd.cluster.local\n"
        + "  Serial:              " + serial + "\n"
        + "  Not before:          2026-11-29T23:59:00Z\n"
        + "  Not after:           2027-11-30T00:00:00Z\n"
        + "  Remaining:           335d 0h\n"
        + "  Key algorithm:       ECDSA P-256\n"
        + "  Signature algorithm: ECDSA-SHA256\n"
        + "  CA:                  yes (path length 0)\n"
        + "  Key usage:           Certificate Sign, CRL Sign\n"
        + "  Extended key usage:  (none)\n"
        + "  SHA-256 fingerprint: ");
    assertThat(run.out()).contains("\n\nCertificate 2 of 2 in " + path("both.crt") + "\n"
        + "  Subject:             CN=root.linkerd.cluster.local\n")
        .contains("  Issuer:              CN=root.linkerd.cluster.local (self-issued)\n")
        .contains("  CA:                  yes (path length 1)\n");
  }

  @Test
  void fingerprintMatchesOpenssl() {
    String openssl = Processes.run(dir, "openssl", "x509", "-in", "ca.crt", "-noout", "-fingerprint", "-sha256")
        .output().strip();

    CliRun run = CliRun.run(InstantSource.fixed(T0), "identity", "inspect", path("ca.crt"));

    assertThat(openssl).startsWith("sha256 Fingerprint=");
    assertThat(run.out()).contains("  SHA-256 fingerprint: " + openssl.substring("sha256 Fingerprint=".length()));
  }

  @Test
  void saysWhenACertificateHasExpired() {
    CliRun run = CliRun.run(InstantSource.fixed(T0.plus(Duration.ofDays(400))), "identity", "inspect",
        path("issuer.crt"));

    assertThat(run.out()).contains("  Remaining:           expired 35d 0h ago\n");
  }

  @Test
  void jsonOutputHasTheSameFacts() {
    CliRun run = CliRun.run(InstantSource.fixed(T0), "identity", "inspect", path("issuer.crt"), "-o", "json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("[\n  {\n    \"subject\": \"CN=identity.linkerd.cluster.local\",\n"
        + "    \"sans\": [],\n    \"issuer\": \"CN=root.linkerd.cluster.local\",\n")
        .contains("    \"notAfter\": \"2027-11-30T00:00:00Z\",\n    \"status\": \"valid\",\n"
            + "    \"remainingSeconds\": 31536000,\n    \"keyAlgorithm\": \"ECDSA P-256\",\n"
            + "    \"signatureAlgorithm\": \"ECDSA-SHA256\",\n    \"ca\": true,\n    \"pathLength\": 0,\n"
            + "    \"keyUsage\": [\n      \"Certificate Sign\",\n      \"CRL Sign\"\n    ],\n")
        .endsWith("\"\n  }\n]\n");
  }

  @Test
  void badInputIsNamed() throws IOException {
    CliRun missing = CliRun.run("identity", "inspect", path("nope.crt"));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("lattice: cannot read the certificate file " + path("nope.crt")
        + ": no such file\n");

    CliRun key = CliRun.run("identity", "inspect", path("ca.key"));
    assertThat(key.exitCode()).isEqualTo(1);
    assertThat(key.err()).contains("holds no usable certificate").doesNotContain("BEGIN");

    CliRun format = CliRun.run("identity", "inspect", path("ca.crt"), "-o", "yaml");
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err()).contains("'yaml' (expected: text or json)");
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }
}
