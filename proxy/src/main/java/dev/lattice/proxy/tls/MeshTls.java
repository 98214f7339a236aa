package dev.lattice.proxy.tls;

import dev.lattice.pki.Certificates;
import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.identity.CredentialSource;
import dev.lattice.proxy.identity.Credentials;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The proxy's mesh TLS: TLS 1.3 only, this workload's certificate on both sides, peers verified by
 * {@link MeshTrustManager}. Contexts are rebuilt whenever the credential source hands over new
 * credentials; each new connection takes whatever is current.
 *
 * <p>The server side <em>requires</em> a client certificate: the mTLS inbound accepts only meshed
 * peers (plaintext and other-SNI TLS are told apart before this and never reach it).
 */
public final class MeshTls {
  /** The only ALPN value used between proxies: the client will write a transport header. */
  public static final String TRANSPORT_HEADER_ALPN = "transport.l5d.io/v1";

  private static final List<String> TLS13 = List.of("TLSv1.3");

  private final InstantSource clock;
  private final SslProvider provider;
  private volatile Contexts current;

  private record Contexts(Credentials credentials, SslContext server, SslContext client) {}

  private MeshTls(InstantSource clock, SslProvider provider) {
    this.clock = clock;
    this.provider = provider;
  }

  /** BoringSSL when netty-tcnative loads, the JDK's TLS otherwise. */
  public static MeshTls create(CredentialSource source, InstantSource clock) {
    MeshTls tls = new MeshTls(clock, OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    source.subscribe(tls::update);
    return tls;
  }

  public SslProvider provider() {
    return provider;
  }

  /** This proxy's identity, once it has credentials. */
  public Optional<IdentityName> localIdentity() {
    Contexts c = current;
    return c == null ? Optional.empty() : Optional.of(c.credentials().identity());
  }

  /** A server-side handler for a connection whose ClientHello named this proxy. */
  public SslHandler newServerHandler(ByteBufAllocator alloc, Duration handshakeTimeout) {
    SslHandler handler = contexts().server().newHandler(alloc);
    handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeout.toMillis()));
    return handler;
  }

  /**
   * A client-side handler toward a peer proxy that must prove it is {@code peer}. The peer identity
   * doubles as SNI and as the name {@link MeshTrustManager} checks the leaf against.
   */
  public SslHandler newClientHandler(ByteBufAllocator alloc, IdentityName peer, int port, Duration handshakeTimeout) {
    SslHandler handler = contexts().client().newHandler(alloc, peer.value(), port);
    handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeout.toMillis()));
    return handler;
  }

  /** The identity in the peer's leaf certificate (its first DNS SAN), if it sent one. */
  public static Optional<IdentityName> peerIdentity(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.empty();
      }
      List<String> names = Certificates.dnsNames(leaf);
      if (names.isEmpty() || IdentityName.problemWith(names.getFirst()) != null) {
        return Optional.empty();
      }
      return Optional.of(new IdentityName(names.getFirst()));
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private Contexts contexts() {
    Contexts c = current;
    if (c == null) {
      throw new NoCredentials();
    }
    return c;
  }

  private void update(Credentials credentials) {
    try {
      X509Certificate[] chain = credentials.chain().toArray(X509Certificate[]::new);
      var trust = MeshTrustManager.factory(credentials.trustAnchors(), clock);
      SslContext server = SslContextBuilder.forServer(credentials.key(), chain)
          .sslProvider(provider)
          .protocols(TLS13)
          .trustManager(trust)
          .clientAuth(ClientAuth.REQUIRE)
          .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
              SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, TRANSPORT_HEADER_ALPN))
          .build();
      SslContext client = SslContextBuilder.forClient()
          .sslProvider(provider)
          .protocols(TLS13)
          .keyManager(credentials.key(), chain)
          .trustManager(trust)
          .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
              SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, TRANSPORT_HEADER_ALPN))
          .build();
      current = new Contexts(credentials, server, client);
    } catch (SSLException e) {
      // Keep serving with the previous credentials; the identity client will try again.
      throw new IllegalStateException("cannot build TLS contexts for " + credentials + ": " + e.getMessage(), e);
    }
  }

  /** No certificate yet: mesh TLS cannot be spoken, in either direction. */
  public static final class NoCredentials extends RuntimeException {
    NoCredentials() {
      super("no identity certificate yet");
    }
  }
}
