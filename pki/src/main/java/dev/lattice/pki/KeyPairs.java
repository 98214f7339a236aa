package dev.lattice.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;

/** ECDSA P-256 keys: the only kind Lattice generates. */
public final class KeyPairs {
  private static final byte[] PROBE = "lattice key pair check".getBytes();

  private KeyPairs() {}

  public static KeyPair generateP256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate ECDSA P-256 keys", e);
    }
  }

  /** True when {@code key} is an EC key on P-256. */
  public static boolean isP256(PublicKey key) {
    return key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256
        && ec.getParams().getOrder().bitLength() == 256;
  }

  /** True when {@code privateKey} signs what {@code publicKey} verifies: the two form one pair. */
  public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    try {
      String algorithm = signatureAlgorithmFor(publicKey);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  static String signatureAlgorithmFor(PublicKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    };
  }
}
