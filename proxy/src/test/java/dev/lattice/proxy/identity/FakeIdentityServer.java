package dev.lattice.proxy.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.lattice.api.identity.CertifyRequest;
import dev.lattice.api.identity.CertifyResponse;
import dev.lattice.api.identity.IdentityGrpc;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.CertificateRequest;
import dev.lattice.pki.CertificateRequests;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.IssuedCertificate;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.PkiException;
import dev.lattice.pki.TrustBundle;
import dev.lattice.proxy.env.HostAndPort;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for the identity service, on a real gRPC server on 127.0.0.1. It signs with a
 * CA made at construction (root → issuer → leaf, as the real service does) and can be told to fail,
 * or to answer with certificates the proxy must refuse.
 */
final class FakeIdentityServer implements AutoCloseable {
  /** What the next Certify call does. Calls beyond the script issue a good certificate. */
  sealed interface Outcome {
    record Issue() implements Outcome {}

    record Fail(Status status) implements Outcome {}

    /** A leaf chained to a root the proxy does not trust. */
    record ForeignAnchor() implements Outcome {}

    /** A valid leaf, for another workload's name. */
    record OtherIdentity(IdentityName name) implements Outcome {}

    /** A valid leaf for the right name, but a key the proxy never generated. */
    record OtherKey() implements Outcome {}
  }

  /** What a call carried. */
  record Received(String identity, byte[] token, byte[] csr, PublicKey csrKey) {}

  private final InstantSource clock;
  private final Duration lifetime;
  private final CertificateAuthority root;
  private final CertificateAuthority issuer;
  private final CertificateAuthority foreignIssuer;
  private final Queue<Outcome> script = new ArrayDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<IssuedCertificate> issued = new CopyOnWriteArrayList<>();
  private final Server server;

  FakeIdentityServer(InstantSource clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
    Instant now = clock.instant();
    root = CertificateAuthority.createRoot(CaProfile.root("root.test"), KeyPairs.generateP256(), now);
    issuer = root.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    CertificateAuthority foreignRoot =
        CertificateAuthority.createRoot(CaProfile.root("root.test"), KeyPairs.generateP256(), now);
    foreignIssuer = foreignRoot.createIntermediate(
        CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .addService(new Service())
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TrustBundle trustAnchors() {
    return TrustBundle.of(root.certificate());
  }

  HostAndPort address() {
    return new HostAndPort("127.0.0.1", server.getPort());
  }

  synchronized void script(Outcome... outcomes) {
    script.addAll(List.of(outcomes));
  }

  int calls() {
    return received.size();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Certificates answered so far, including those the proxy should have refused. */
  List<IssuedCertificate> issued() {
    return List.copyOf(issued);
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized Outcome nextOutcome() {
    Outcome next = script.poll();
    return next == null ? new Outcome.Issue() : next;
  }

  private final class Service extends IdentityGrpc.IdentityImplBase {
    @Override
    public void certify(CertifyRequest request, StreamObserver<CertifyResponse> responses) {
      CertificateRequest csr;
      try {
        csr = CertificateRequests.parse(request.getCertificateSigningRequest().toByteArray());
      } catch (PkiException e) {
        responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
      received.add(new Received(request.getIdentity(), request.getToken().toByteArray(),
          request.getCertificateSigningRequest().toByteArray(), csr.publicKey()));
      IdentityName requested = new IdentityName(request.getIdentity());
      String problem = csr.problemNaming(requested);
      if (problem != null) {
        responses.onError(Status.FAILED_PRECONDITION.withDescription(problem).asRuntimeException());
        return;
      }
      Instant now = clock.instant();
      IssuedCertificate certificate = switch (nextOutcome()) {
        case Outcome.Issue i -> issuer.issueLeaf(requested, csr.publicKey(), now, lifetime, Duration.ZERO);
        case Outcome.Fail f -> {
          responses.onError(f.status().asRuntimeException());
          yield null;
        }
        case Outcome.ForeignAnchor f -> foreignIssuer.issueLeaf(requested, csr.publicKey(), now, lifetime, Duration.ZERO);
        case Outcome.OtherIdentity o -> issuer.issueLeaf(o.name(), csr.publicKey(), now, lifetime, Duration.ZERO);
        case Outcome.OtherKey o ->
            issuer.issueLeaf(requested, KeyPairs.generateP256().getPublic(), now, lifetime, Duration.ZERO);
      };
      if (certificate == null) {
        return;
      }
      issued.add(certificate);
      try {
        CertifyResponse.Builder response = CertifyResponse.newBuilder()
            .setLeafCertificate(ByteString.copyFrom(certificate.leaf().getEncoded()))
            .setValidUntil(Timestamp.newBuilder().setSeconds(certificate.notAfter().getEpochSecond()));
        for (X509Certificate intermediate : certificate.intermediates()) {
          response.addIntermediateCertificates(ByteString.copyFrom(intermediate.getEncoded()));
        }
        responses.onNext(response.build());
        responses.onCompleted();
      } catch (CertificateEncodingException e) {
        responses.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
      }
    }
  }
}
