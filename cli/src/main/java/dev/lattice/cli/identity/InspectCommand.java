package dev.lattice.cli.identity;

import dev.lattice.cli.Durations;
import dev.lattice.cli.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lattice identity inspect FILE}: the facts of every certificate in a PEM file. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    parameterListHeading = "%nParameters:%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Print the facts of each certificate in a PEM file.",
      "",
      "For each certificate: subject, SANs, issuer, serial (hex, as openssl prints it), validity "
          + "(ISO-8601 UTC) and time remaining, key and signature algorithms, whether it is a CA (and its "
          + "path length), key usages and SHA-256 fingerprint. Never reads or prints private keys."
    })
public final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A PEM file with one or more certificates.")
  Path file;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
  String output;

  private final InstantSource clock;

  public InspectCommand(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    if (!output.equals("text") && !output.equals("json")) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--output': '" + output + "' (expected: text or json)");
    }
    List<X509Certificate> certificates = PemFiles.certificates(file, "the certificate file");
    Instant now = clock.instant();
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("json")) {
      List<Object> all = new ArrayList<>();
      for (X509Certificate certificate : certificates) {
        all.add(json(CertificateFacts.of(certificate), now));
      }
      out.println(Json.render(all));
    } else {
      for (int i = 0; i < certificates.size(); i++) {
        if (i > 0) {
          out.println();
        }
        out.printf("Certificate %d of %d in %s%n", i + 1, certificates.size(), file);
        printText(out, CertificateFacts.of(certificates.get(i)), now);
      }
    }
    out.flush();
    return 0;
  }

  private static void printText(PrintWriter out, CertificateFacts facts, Instant now) {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put("Subject", facts.subject());
    lines.put("SANs", listOrNone(facts.subjectAlternativeNames()));
    lines.put("Issuer", facts.issuer() + (facts.issuer().equals(facts.subject()) ? " (self-issued)" : ""));
    lines.put("Serial", facts.serialHex());
    lines.put("Not before", facts.notBefore().toString());
    lines.put("Not after", facts.notAfter().toString());
    lines.put("Remaining", remaining(facts, now));
    lines.put("Key algorithm", facts.keyAlgorithm());
    lines.put("Signature algorithm", facts.signatureAlgorithm());
    lines.put("CA", !facts.ca() ? "no"
        : facts.pathLength().isPresent() ? "yes (path length " + facts.pathLength().getAsInt() + ")"
        : "yes (no path length limit)");
    lines.put("Key usage", listOrNone(facts.keyUsage()));
    lines.put("Extended key usage", listOrNone(facts.extendedKeyUsage()));
    lines.put("SHA-256 fingerprint", facts.sha256Fingerprint());
    int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
    lines.forEach((key, value) -> out.printf("  %-" + width + "s %s%n", key + ":", value));
  }

  private static String remaining(CertificateFacts facts, Instant now) {
    if (now.isBefore(facts.notBefore())) {
      return "not valid yet (starts in " + Durations.format(Duration.between(now, facts.notBefore())) + ")";
    }
    if (now.isAfter(facts.notAfter())) {
      return "expired " + Durations.format(Duration.between(facts.notAfter(), now)) + " ago";
    }
    return Durations.format(Duration.between(now, facts.notAfter()));
  }

  private static String status(CertificateFacts facts, Instant now) {
    if (now.isBefore(facts.notBefore())) {
      return "not-yet-valid";
    }
    return now.isAfter(facts.notAfter()) ? "expired" : "valid";
  }

  private static Map<String, Object> json(CertificateFacts facts, Instant now) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("subject", facts.subject());
    json.put("sans", facts.subjectAlternativeNames());
    json.put("issuer", facts.issuer());
    json.put("serial", facts.serialHex());
    json.put("notBefore", facts.notBefore().toString());
    json.put("notAfter", facts.notAfter().toString());
    json.put("status", status(facts, now));
    json.put("remainingSeconds", Math.max(0, Duration.between(now, facts.notAfter()).toSeconds()));
    json.put("keyAlgorithm", facts.keyAlgorithm());
    json.put("signatureAlgorithm", facts.signatureAlgorithm());
    json.put("ca", facts.ca());
    json.put("pathLength", facts.pathLength().isPresent() ? facts.pathLength().getAsInt() : null);
    json.put("keyUsage", facts.keyUsage());
    json.put("extendedKeyUsage", facts.extendedKeyUsage());
    json.put("sha256Fingerprint", facts.sha256Fingerprint());
    return json;
  }

  private static String listOrNone(List<String> values) {
    return values.isEmpty() ? "(none)" : String.join(", ", values);
  }
}
