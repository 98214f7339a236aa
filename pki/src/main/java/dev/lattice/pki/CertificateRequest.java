package dev.lattice.pki;

import java.security.PublicKey;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * A parsed certificate signing request whose self-signature has been verified.
 *
 * @param commonName the subject CN, or empty
 * @param dnsNames DNS subject alternative names
 * @param otherNames every non-DNS SAN, described ({@code email:…}, {@code IP:…}, {@code URI:…})
 */
public record CertificateRequest(
    String commonName, List<String> dnsNames, List<String> otherNames, PublicKey publicKey, X500Name subject) {
  public CertificateRequest {
    dnsNames = List.copyOf(dnsNames);
    otherNames = List.copyOf(otherNames);
  }

  /**
   * Checks that this request names exactly {@code identity} and nothing else, as the identity service
   * requires before it signs. Returns null when it does, else the reason.
   */
  public String problemNaming(IdentityName identity) {
    if (!otherNames.isEmpty()) {
      return "CSR must not contain email, IP or URI names, found " + String.join(", ", otherNames);
    }
    if (dnsNames.size() != 1) {
      return "CSR must have exactly one DNSName, found " + dnsNames.size();
    }
    if (!dnsNames.getFirst().equals(identity.value())) {
      return "CSR name does not match requested identity: csr=" + dnsNames.getFirst() + "; req=" + identity;
    }
    if (!commonName.isEmpty() && !commonName.equals(identity.value())) {
      return "CSR common name does not match requested identity: cn=" + commonName + "; req=" + identity;
    }
    if (!KeyPairs.isP256(publicKey)) {
      return "CSR key must be ECDSA P-256, found " + publicKey.getAlgorithm();
    }
    return null;
  }
}
