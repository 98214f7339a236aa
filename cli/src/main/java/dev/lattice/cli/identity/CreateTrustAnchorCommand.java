package dev.lattice.cli.identity;

import dev.lattice.cli.Durations;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.KeyPairs;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lattice identity create-trust-anchor CERT KEY}: a new self-signed root CA. */
@Command(
    name = "create-trust-anchor",
    mixinStandardHelpOptions = true,
    parameterListHeading = "%nParameters:%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Create a self-signed root CA to use as the mesh's trust anchor.",
      "",
      "Like `step certificate create --profile root-ca`: a new ECDSA P-256 key, and a self-signed "
          + "certificate (ECDSA-SHA256) with BasicConstraints CA:true, path length 1, and KeyUsage "
          + "Certificate Sign + CRL Sign, valid for 10 years (87600h) unless --not-after says otherwise.",
      "",
      "CERT gets the PEM certificate (mode 0644); KEY gets the PEM PKCS#8 private key (mode 0600). "
          + "Existing files are left alone unless --force is given."
    })
public final class CreateTrustAnchorCommand implements Callable<Integer> {
  static final String DEFAULT_COMMON_NAME = "root.linkerd.cluster.local";

  @Spec CommandSpec spec;

  @Mixin CaOutputOptions output;

  @Option(names = "--common-name", paramLabel = "NAME", defaultValue = DEFAULT_COMMON_NAME,
      description = "Subject common name.%n(default: ${DEFAULT-VALUE})")
  String commonName;

  @Option(names = "--not-after", paramLabel = "DURATION", defaultValue = "87600h", converter = Durations.class,
      description = "Lifetime from now, e.g. 8760h, 365d, 1h30m (default: ${DEFAULT-VALUE}, 10 years).")
  Duration lifetime;

  private final InstantSource clock;

  public CreateTrustAnchorCommand(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    CaFiles files = output.checked();
    CaProfile profile = CaProfile.root(commonName).withLifetime(lifetime);
    CertificateAuthority anchor = CertificateAuthority.createRoot(profile, KeyPairs.generateP256(), clock.instant());
    files.write(anchor);
    var out = spec.commandLine().getOut();
    out.printf("Created trust anchor %s, valid until %s%n",
        anchor.certificate().getSubjectX500Principal().getName(), anchor.certificate().getNotAfter().toInstant());
    output.printWritten(out);
    return 0;
  }
}
