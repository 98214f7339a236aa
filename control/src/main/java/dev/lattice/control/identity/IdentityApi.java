package dev.lattice.control.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.lattice.api.identity.CertifyRequest;
import dev.lattice.api.identity.CertifyResponse;
import dev.lattice.api.identity.IdentityGrpc;
import dev.lattice.control.identity.CertifyOutcome.Refused;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code io.linkerd.proxy.identity.Identity/Certify}: turns the request into a {@link Certifier} call
 * and its outcome into a response or the gRPC status Linkerd's identity controller returns for the
 * same case. This is the only place outcomes meet gRPC codes.
 *
 * <p>Runs on the server's worker executor, not the event loop: signing and token checks block.
 */
public final class IdentityApi extends IdentityGrpc.IdentityImplBase {
  private static final Logger log = LoggerFactory.getLogger(IdentityApi.class);

  private final Certifier certifier;

  public IdentityApi(Certifier certifier) {
    this.certifier = certifier;
  }

  @Override
  public void certify(CertifyRequest request, StreamObserver<CertifyResponse> responses) {
    CertifyOutcome outcome;
    try {
      outcome = certifier.certify(request.getIdentity(), request.getToken().toByteArray(),
          request.getCertificateSigningRequest().toByteArray());
    } catch (RuntimeException e) {
      log.error("Certify for '{}' failed", printable(request.getIdentity()), e);
      responses.onError(Status.INTERNAL.withDescription("cannot issue certificate: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    switch (outcome) {
      case CertifyOutcome.Issued issued -> {
        responses.onNext(toResponse(issued));
        responses.onCompleted();
      }
      case Refused refused -> {
        log.info("refused Certify for '{}': {}", printable(request.getIdentity()), printable(refused.message()));
        responses.onError(statusOf(refused).withDescription(refused.message()).asRuntimeException());
      }
    }
  }

  /** The gRPC status for each refusal, as in Linkerd's pkg/identity/service.go. */
  static Status statusOf(Refused refused) {
    return switch (refused) {
      case CertifyOutcome.IssuerNotReady r -> Status.UNAVAILABLE;
      case CertifyOutcome.InvalidRequest r -> Status.INVALID_ARGUMENT;
      case CertifyOutcome.IssuerInvalid r -> Status.UNKNOWN;
      case CertifyOutcome.CsrRejected r -> Status.FAILED_PRECONDITION;
      case CertifyOutcome.TokenUnauthenticated r -> Status.FAILED_PRECONDITION;
      case CertifyOutcome.TokenInvalid r -> Status.INVALID_ARGUMENT;
      case CertifyOutcome.TokenCheckFailed r -> Status.INTERNAL;
      case CertifyOutcome.IdentityMismatch r -> Status.FAILED_PRECONDITION;
    };
  }

  /** The caller chose these bytes: keep a log line one line, and short. */
  static String printable(String untrusted) {
    StringBuilder out = new StringBuilder(Math.min(untrusted.length(), 300));
    untrusted.codePoints().limit(300).forEach(c -> {
      if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT) {
        out.append(String.format(c <= 0xff ? "\\x%02x" : "\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return untrusted.codePointCount(0, untrusted.length()) > 300 ? out + "…" : out.toString();
  }

  private static CertifyResponse toResponse(CertifyOutcome.Issued issued) {
    CertifyResponse.Builder response = CertifyResponse.newBuilder()
        .setLeafCertificate(der(issued.certificate().leaf()))
        .setValidUntil(timestamp(issued.certificate().notAfter()));
    for (X509Certificate intermediate : issued.certificate().intermediates()) {
      response.addIntermediateCertificates(der(intermediate));
    }
    return response.build();
  }

  private static ByteString der(X509Certificate certificate) {
    try {
      return ByteString.copyFrom(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate we hold", e);
    }
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
