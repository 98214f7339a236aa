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
      anchors.verifyIdentity(Arrays.asList(chain), new IdentityName(expected), clock.instant());
    } catch (PkiException e) {
      throw new CertificateException(e.getMessage(), e);
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

  private void checkClient(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("client presented no certificate");
    }
    try {
      anchors.verify(Arrays.asList(chain), clock.instant());
    } catch (PkiException e) {
      throw new CertificateException(e.getMessage(), e);
    }
    List<String> names = Certificates.dnsNames(chain[0]);
    if (names.isEmpty() || IdentityName.problemWith(names.getFirst()) != null) {
      throw new CertificateException("client certificate names no identity: " + names);
    }
  }
}
