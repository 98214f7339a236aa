package dev.lattice.proxy.tls;

import dev.lattice.pki.Certificates;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.PkiException;
import dev.lattice.pki.TrustBundle;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies mesh peers: the chain must lead to the trust anchors (validity checked at the injected
 * clock's time), and a server's leaf must name exactly the identity the client asked for — the
 * engine's peer host, which is also the SNI. There is no DNS hostname check: identities are not
 * host names. A client's leaf must carry a valid identity name.
 */
final class MeshTrustManager extends X509ExtendedTrustManager {
  private final TrustBundle anchors;
  private final InstantSource clock;

  MeshTrustManager(TrustBundle anchors, InstantSource clock) {
    this.anchors = anchors;
    this.clock = clock;
  }

  static SimpleTrustManagerFactory factory(TrustBundle anchors, InstantSource clock) {
    MeshTrustManager tm = new MeshTrustManager(anchors, clock);
    return new SimpleTrustManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore) {}

      @Override
      protected void engineInit(ManagerFactoryParameters params) {}

      @Override
      protected TrustManager[] engineGetTrustManagers() {
        return new TrustManager[] {tm};
      }
    };
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    String expected = engine == null ? null : engine.getPeerHost();
    if (expected == null || IdentityName.problemWith(expected) != null) {
      throw new CertificateException("no expected server identity for this connection (peer host " + expected + ")");
    }
    try {
      anchors.verify(Arrays.asList(chain), clock.instant());
    } catch (PkiException e) {
      throw rejected(e.getMessage(), UNKNOWN_CA, e);
    }
    List<String> names = Certificates.dnsNames(chain[0]);
    if (!names.contains(expected)) {
      throw rejected("server certificate names " + names + ", expected identity " + expected, BAD_CERTIFICATE, null);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClient(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClient(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkClient(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("mesh TLS runs on SSLEngine only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("mesh TLS needs the engine to know the expected server identity");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return anchors.anchors().toArray(X509Certificate[]::new);
  }

  // OpenSSL verify codes, so BoringSSL sends a telling alert (unknown_ca, bad_certificate) instead of
  // internal_error. Values from X509_V_ERR_*; the JDK provider just sees a CertificateException.
  private static final int UNKNOWN_CA = 20; // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
  private static final int BAD_CERTIFICATE = 62; // X509_V_ERR_HOSTNAME_MISMATCH

  private static CertificateException rejected(String message, int openSslCode, Throwable cause) {
    CertificateException e;
    try {
      e = new io.netty.handler.ssl.OpenSslCertificateException(message, openSslCode);
    } catch (LinkageError | IllegalArgumentException noTcnative) {
      e = new CertificateException(message);
    }
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private void checkClient(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("client presented no certificate");
    }
    try {
      anchors.verify(Arrays.asList(chain), clock.instant());
    } catch (PkiException e) {
      throw rejected(e.getMessage(), UNKNOWN_CA, e);
    }
    List<String> names = Certificates.dnsNames(chain[0]);
    if (names.isEmpty() || IdentityName.problemWith(names.getFirst()) != null) {
      throw rejected("client certificate names no identity: " + names, BAD_CERTIFICATE, null);
    }
  }
}
