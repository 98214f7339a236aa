package dev.lattice.cli.identity;

import dev.lattice.cli.CliException;
import dev.lattice.cli.Durations;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.Certificates;
import dev.lattice.pki.KeyPairs;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lattice identity create-issuer CERT KEY --ca … --ca-key …}: the identity issuer, signed by a CA. */
@Command(
    name = "create-issuer",
    mixinStandardHelpOptions = true,
    parameterListHeading = "%nParameters:%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Create the identity issuer, an intermediate CA signed by the trust anchor.",
      "",
      "Like `step certificate create --profile intermediate-ca`: a new ECDSA P-256 key, and a certificate "
          + "signed by --ca/--ca-key with BasicConstraints CA:true, path length 0 (it may sign only workload "
          + "certificates), and KeyUsage Certificate Sign + CRL Sign, valid for 1 year (8760h) unless "
          + "--not-after says otherwise. The issuer may not outlive its CA.",
      "",
      "CERT gets the PEM certificate (mode 0644), followed by the CA's own intermediates if --ca is not a "
          + "root; KEY gets the PEM PKCS#8 private key (mode 0600). Existing files are left alone unless "
          + "--force is given."
    })
public final class CreateIssuerCommand implements Callable<Integer> {
  static final String DEFAULT_COMMON_NAME = "identity.linkerd.cluster.local";

  @Spec CommandSpec spec;

  @Mixin CaOutputOptions output;

  @Option(names = "--ca", paramLabel = "CA_CERT", required = true,
      description = "The signing CA's certificate (PEM), usually the trust anchor.")
  Path caCertificateFile;

  @Option(names = "--ca-key", paramLabel = "CA_KEY", required = true,
      description = "The signing CA's private key (PEM, PKCS#8 or SEC1).")
  Path caKeyFile;

  @Option(names = "--common-name", paramLabel = "NAME", defaultValue = DEFAULT_COMMON_NAME,
      description = "Subject common name; the identity service expects identity.<namespace>.<trust domain>."
          + "%n(default: ${DEFAULT-VALUE})")
  String commonName;

  @Option(names = "--not-after", paramLabel = "DURATION", defaultValue = "8760h", converter = Durations.class,
      description = "Lifetime from now, e.g. 8760h, 365d, 1h30m (default: ${DEFAULT-VALUE}, 1 year).")
  Duration lifetime;

  private final InstantSource clock;

  public CreateIssuerCommand(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    CaFiles files = output.checked();
    Instant now = clock.instant();
    CertificateAuthority ca = loadCa(now);
    CertificateAuthority issuer =
        ca.createIntermediate(CaProfile.issuer(commonName).withLifetime(lifetime), KeyPairs.generateP256(), now);
    files.write(issuer);
    var out = spec.commandLine().getOut();
    out.printf("Created issuer %s, signed by %s, valid until %s%n",
        issuer.certificate().getSubjectX500Principal().getName(),
        issuer.certificate().getIssuerX500Principal().getName(), issuer.certificate().getNotAfter().toInstant());
    output.printWritten(out);
    return 0;
  }

  /** Reads the signing CA and refuses, naming the file and the reason, anything that cannot sign this issuer. */
  private CertificateAuthority loadCa(Instant now) {
    String certRole = "the CA certificate (--ca)";
    List<X509Certificate> certificates = PemFiles.certificates(caCertificateFile, certRole);
    PrivateKey key = PemFiles.privateKey(caKeyFile, "the CA key (--ca-key)");
    X509Certificate caCert = certificates.getFirst();
    String name = "'" + caCert.getSubjectX500Principal().getName() + "' in " + caCertificateFile;
    if (!Certificates.isCa(caCert)) {
      throw new CliException(certRole + " " + name + " is not a CA (BasicConstraints CA:false), so it cannot sign an issuer");
    }
    if (caCert.getBasicConstraints() == 0) {
      throw new CliException(certRole + " " + name
          + " has path length 0: it may sign only workload certificates, not an issuer; use the trust anchor");
    }
    if (!KeyPairs.matches(key, caCert.getPublicKey())) {
      throw new CliException("the CA key (--ca-key) " + caKeyFile + " does not belong to " + certRole + " " + name);
    }
    Instant caNotBefore = caCert.getNotBefore().toInstant();
    Instant caNotAfter = caCert.getNotAfter().toInstant();
    if (now.isBefore(caNotBefore)) {
      throw new CliException(certRole + " " + name + " is not valid before " + caNotBefore);
    }
    if (now.isAfter(caNotAfter)) {
      throw new CliException(certRole + " " + name + " expired on " + caNotAfter);
    }
    Instant notAfter = now.plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
    if (notAfter.isAfter(caNotAfter)) {
      throw new CliException("--not-after " + Durations.format(lifetime) + " would make the issuer valid until "
          + notAfter + ", after its CA expires (" + caNotAfter + "); choose at most "
          + Durations.format(Duration.between(now, caNotAfter)));
    }
    // The issuer's file carries the chain up to, not including, the anchor: drop any self-signed root.
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(caCert);
    certificates.stream().skip(1).filter(c -> !Certificates.isSelfSigned(c)).forEach(chain::add);
    return CertificateAuthority.of(caCert, key, chain);
  }
}
