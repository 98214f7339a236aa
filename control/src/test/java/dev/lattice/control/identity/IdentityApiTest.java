package dev.lattice.control.identity;

import static dev.lattice.control.testing.TestPki.EMOJI;
import static dev.lattice.control.testing.TestPki.NOW;
import static dev.lattice.control.testing.TestPki.WEB;
import static dev.lattice.control.testing.TestPki.dns;
import static dev.lattice.control.testing.TestPki.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.lattice.api.identity.CertifyRequest;
import dev.lattice.api.identity.CertifyResponse;
import dev.lattice.api.identity.IdentityGrpc;
import dev.lattice.control.events.Event;
import dev.lattice.control.events.RecordingEventSink;
import dev.lattice.control.identity.issuer.Issuer;
import dev.lattice.control.identity.issuer.IssuerSource;
import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.control.identity.token.TokenValidation;
import dev.lattice.control.identity.token.TokenValidator;
import dev.lattice.control.testing.TestClock;
import dev.lattice.control.testing.TestPki;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.CertificateRequests;
import dev.lattice.pki.Certificates;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.pki.PkiException;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Certify through gRPC in-process: what is issued, and every way a request is refused. */
class IdentityApiTest {
  private static final TestPki PKI = new TestPki();

  @TempDir Path dir;
  private final TestClock clock = new TestClock(NOW);
  private final RecordingEventSink events = new RecordingEventSink();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private LocalTokenStore tokens;
  private byte[] webToken;
  private byte[] emojiToken;
  private final KeyPair webKeys = KeyPairs.generateP256();

  @BeforeEach
  void mintTokens() throws IOException {
    tokens = LocalTokenStore.open(dir.resolve("tokens"), clock);
    webToken = Files.readAllBytes(tokens.mint("emojivoto", "web", "web-0"));
    emojiToken = Files.readAllBytes(tokens.mint("emojivoto", "emoji", "emoji-0"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server server : servers) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void issuesALeafForExactlyTheRequestedIdentityThatPkixAndOpensslVerify() throws Exception {
    var stub = client(IssuerSource.fixed(issuer(PKI.issuer)), tokens, IdentityConfig.defaults());

    CertifyResponse response = stub.certify(request(WEB.value(), webToken, CertificateRequests.create(WEB, webKeys)));

    X509Certificate leaf = x509(response.getLeafCertificate());
    List<X509Certificate> intermediates = response.getIntermediateCertificatesList().stream().map(d -> x509(d)).toList();
    assertThat(intermediates).containsExactly(PKI.issuer.certificate());
    List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
    chain.addAll(intermediates);
    PKI.anchors.verifyIdentity(chain, WEB, NOW.plus(Duration.ofHours(1)));

    assertThat(Certificates.describeSubjectAlternativeNames(leaf)).containsExactly("DNS:" + WEB);
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + WEB);
    assertThat(leaf.getPublicKey()).isEqualTo(webKeys.getPublic());
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(20));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(24)).plusSeconds(20));
    assertThat(Instant.ofEpochSecond(response.getValidUntil().getSeconds(), response.getValidUntil().getNanos()))
        .isEqualTo(leaf.getNotAfter().toInstant());

    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
    assertThat(events.withReason(IdentityEvents.ISSUED_LEAF_CERTIFICATE)).containsExactly(Event.normal(
        "IssuedLeafCertificate",
        "issued certificate for " + WEB + " until " + leaf.getNotAfter().toInstant() + ": " + sha256,
        new Event.ObjectRef("ServiceAccount", "emojivoto", "web")));

    // A real openssl process agrees, and (the control) refuses the same leaf under another anchor.
    Path anchorFile = PKI.writeAnchors(dir.resolve("ca.pem"));
    Path issuerFile = dir.resolve("issuer.pem");
    Path leafFile = dir.resolve("leaf.pem");
    Pem.writeCertificates(issuerFile, intermediates);
    Pem.writeCertificates(leafFile, List.of(leaf));
    long at = NOW.plus(Duration.ofHours(1)).getEpochSecond();
    for (String purpose : List.of("sslclient", "sslserver")) {
      OpensslResult ok = openssl("verify", "-x509_strict", "-purpose", purpose, "-attime", Long.toString(at),
          "-CAfile", anchorFile.toString(), "-untrusted", issuerFile.toString(), leafFile.toString());
      assertThat(ok.exit()).as(ok.output()).isZero();
      assertThat(ok.output()).contains(leafFile + ": OK");
    }
    Path otherAnchor = dir.resolve("other-ca.pem");
    Pem.writeCertificates(otherAnchor, List.of(new TestPki().root.certificate()));
    OpensslResult refused = openssl("verify", "-attime", Long.toString(at), "-CAfile", otherAnchor.toString(),
        "-untrusted", issuerFile.toString(), leafFile.toString());
    assertThat(refused.exit()).as(refused.output()).isNotZero();
  }

  @Test
  void lifetimeAndSkewComeFromTheConfigAndNotAfterIsClampedToTheIssuer() {
    IdentityConfig config = IdentityConfig.defaults()
        .withIssuanceLifetime(Duration.ofHours(1)).withClockSkewAllowance(Duration.ofSeconds(5));
    var stub = client(IssuerSource.fixed(issuer(PKI.issuer)), tokens, config);
    X509Certificate leaf = x509(stub.certify(request(WEB.value(), webToken, CertificateRequests.create(WEB, webKeys)))
        .getLeafCertificate());
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(5));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)).plusSeconds(5));

    CertificateAuthority shortIssuer = PKI.newIssuer(Duration.ofHours(2), NOW);
    var clampedStub = client(IssuerSource.fixed(issuer(shortIssuer)), tokens, IdentityConfig.defaults());
    CertifyResponse clamped = clampedStub.certify(request(WEB.value(), webToken, CertificateRequests.create(WEB, webKeys)));
    assertThat(clamped.getValidUntil().getSeconds())
        .isEqualTo(shortIssuer.certificate().getNotAfter().toInstant().getEpochSecond());
  }

  /** Each case: what is sent, the status and message that must come back. Nothing may be issued. */
  enum Rejection {
    MISSING_IDENTITY(Status.Code.INVALID_ARGUMENT, "missing identity") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request("", t.webToken, CertificateRequests.create(WEB, t.webKeys));
      }
    },
    MISSING_TOKEN(Status.Code.INVALID_ARGUMENT, "missing token") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), new byte[0], CertificateRequests.create(WEB, t.webKeys));
      }
    },
    MISSING_CSR(Status.Code.INVALID_ARGUMENT, "missing certificate signing request") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.webToken, new byte[0]);
      }
    },
    IDENTITY_NOT_A_DNS_NAME(Status.Code.INVALID_ARGUMENT, "invalid identity: identity name 'Web_Emojivoto'") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request("Web_Emojivoto", t.webToken, CertificateRequests.create(WEB, t.webKeys));
      }
    },
    MALFORMED_CSR(Status.Code.INVALID_ARGUMENT, "malformed certificate signing request") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.webToken, "-----BEGIN CERTIFICATE REQUEST-----".getBytes());
      }
    },
    CSR_SIGNED_BY_ANOTHER_KEY(Status.Code.INVALID_ARGUMENT,
        "certificate signing request signature does not verify with its own key") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        byte[] csr = TestPki.csr(WEB.value(), List.of(dns(WEB.value())), t.webKeys.getPublic(),
            KeyPairs.generateP256().getPrivate());
        return request(WEB.value(), t.webToken, csr);
      }
    },
    CSR_NAMING_ANOTHER_IDENTITY(Status.Code.FAILED_PRECONDITION,
        "CSR name does not match requested identity: csr=" + EMOJI + "; req=" + WEB) {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.webToken, CertificateRequests.create(EMOJI, t.webKeys));
      }
    },
    CSR_WITH_AN_EXTRA_DNS_NAME(Status.Code.FAILED_PRECONDITION, "CSR must have exactly one DNSName, found 2") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.webToken,
            TestPki.csr(WEB.value(), List.of(dns(WEB.value()), dns("admin.example.com")), t.webKeys));
      }
    },
    CSR_WITH_A_URI_NAME(Status.Code.FAILED_PRECONDITION,
        "CSR must not contain email, IP or URI names, found URI:spiffe://cluster.local/ns/emojivoto/sa/web") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.webToken, TestPki.csr(WEB.value(),
            List.of(dns(WEB.value()), uri("spiffe://cluster.local/ns/emojivoto/sa/web")), t.webKeys));
      }
    },
    CSR_WITHOUT_A_DNS_NAME(Status.Code.FAILED_PRECONDITION, "CSR must have exactly one DNSName, found 0") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.webToken, TestPki.csr(WEB.value(), List.of(), t.webKeys));
      }
    },
    CSR_COMMON_NAME_OF_ANOTHER_IDENTITY(Status.Code.FAILED_PRECONDITION,
        "CSR common name does not match requested identity: cn=" + EMOJI) {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.webToken, TestPki.csr(EMOJI.value(), List.of(dns(WEB.value())), t.webKeys));
      }
    },
    CSR_WITH_A_P384_KEY(Status.Code.FAILED_PRECONDITION, "CSR key must be ECDSA P-256") {
      @Override
      CertifyRequest build(IdentityApiTest t) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        return request(WEB.value(), t.webToken, CertificateRequests.create(WEB, generator.generateKeyPair()));
      }
    },
    UNKNOWN_TOKEN(Status.Code.FAILED_PRECONDITION,
        "authentication token could not be authenticated: token is not known to this control plane") {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), "not-a-token-we-minted".getBytes(), CertificateRequests.create(WEB, t.webKeys));
      }
    },
    TOKEN_OF_ANOTHER_SERVICE_ACCOUNT(Status.Code.FAILED_PRECONDITION,
        "requested identity did not match provided token: requested=" + WEB + "; found=" + EMOJI) {
      @Override
      CertifyRequest build(IdentityApiTest t) {
        return request(WEB.value(), t.emojiToken, CertificateRequests.create(WEB, t.webKeys));
      }
    };

    final Status.Code code;
    final String message;

    Rejection(Status.Code code, String message) {
      this.code = code;
      this.message = message;
    }

    abstract CertifyRequest build(IdentityApiTest test) throws Exception;
  }

  @ParameterizedTest
  @EnumSource(Rejection.class)
  void refusesAndIssuesNothing(Rejection rejection) throws Exception {
    var stub = client(IssuerSource.fixed(issuer(PKI.issuer)), tokens, IdentityConfig.defaults());
    CertifyRequest request = rejection.build(this);

    assertThatThrownBy(() -> stub.certify(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(rejection.code);
          assertThat(e.getStatus().getDescription()).startsWith(rejection.message);
        });
    assertThat(events.withReason(IdentityEvents.ISSUED_LEAF_CERTIFICATE)).isEmpty();
  }

  @Test
  void checksRunInLinkerdsOrder() {
    var stub = client(IssuerSource.fixed(issuer(PKI.issuer)), tokens, IdentityConfig.defaults());
    // A CSR naming another identity *and* an unknown token: the CSR check comes first.
    assertThatThrownBy(() -> stub.certify(request(WEB.value(), "unknown".getBytes(),
            CertificateRequests.create(EMOJI, webKeys))))
        .hasMessageContaining("CSR name does not match requested identity");
    // Missing token and a malformed CSR: the missing field is reported first.
    assertThatThrownBy(() -> stub.certify(request(WEB.value(), new byte[0], new byte[] {1, 2, 3})))
        .hasMessageContaining("missing token");
  }

  @Test
  void withoutAnIssuerEveryCallIsUnavailable() {
    var stub = client(IssuerSource.none(), tokens, IdentityConfig.defaults());
    assertThatThrownBy(() -> stub.certify(request(WEB.value(), webToken, CertificateRequests.create(WEB, webKeys))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).isEqualTo("cert issuer not ready yet");
        });
  }

  @Test
  void anIssuerThatExpiredSinceLoadingIsNotUsed() {
    CertificateAuthority shortIssuer = PKI.newIssuer(Duration.ofHours(2), NOW);
    var stub = client(IssuerSource.fixed(issuer(shortIssuer)), tokens, IdentityConfig.defaults());
    clock.advance(Duration.ofHours(3));

    assertThatThrownBy(() -> stub.certify(request(WEB.value(), webToken, CertificateRequests.create(WEB, webKeys))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
          assertThat(e.getStatus().getDescription()).contains("expired at");
        });
    assertThat(events.withReason(IdentityEvents.ISSUER_VALIDATION_FAILED)).singleElement()
        .satisfies(e -> assertThat(e.regarding()).isEqualTo(IdentityEvents.controller("linkerd")));
    assertThat(events.withReason(IdentityEvents.ISSUED_LEAF_CERTIFICATE)).isEmpty();
  }

  @Test
  void tokenValidatorOutcomesMapToLinkerdsStatusCodes() {
    byte[] csr = CertificateRequests.create(WEB, webKeys);
    TokenValidator malformed = token -> new TokenValidation.Malformed("Username must be in form system:TYPE:NS:SA");
    TokenValidator failing = token -> new TokenValidation.Failed("TokenReview: connection refused");

    assertThatThrownBy(() -> client(IssuerSource.fixed(issuer(PKI.issuer)), malformed, IdentityConfig.defaults())
            .certify(request(WEB.value(), webToken, csr)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("Username must be in form system:TYPE:NS:SA");
        });
    assertThatThrownBy(() -> client(IssuerSource.fixed(issuer(PKI.issuer)), failing, IdentityConfig.defaults())
            .certify(request(WEB.value(), webToken, csr)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
          assertThat(e.getStatus().getDescription()).isEqualTo("cannot validate token: TokenReview: connection refused");
        });
  }

  @Test
  void theIdentityFollowsTheConfiguredControlPlaneNamespaceAndTrustDomain() {
    IdentityConfig config = new IdentityConfig(Duration.ofHours(24), Duration.ZERO, "lattice", "example.org");
    var stub = client(IssuerSource.fixed(issuer(PKI.issuer)), tokens, config);
    var expected = dev.lattice.pki.IdentityName.forServiceAccount("web", "emojivoto", "lattice", "example.org");
    assertThat(expected.value()).isEqualTo("web.emojivoto.serviceaccount.identity.lattice.example.org");

    CertifyResponse response = stub.certify(
        request(expected.value(), webToken, CertificateRequests.create(expected, webKeys)));
    assertThat(Certificates.dnsNames(x509(response.getLeafCertificate()))).containsExactly(expected.value());
    // The default-named identity is now someone else's: refused as a mismatch.
    assertThatThrownBy(() -> stub.certify(request(WEB.value(), webToken, CertificateRequests.create(WEB, webKeys))))
        .hasMessageContaining("found=" + expected);
  }

  @Test
  void callerChosenTextIsLoggedOnOneLine() {
    assertThat(IdentityApi.printable("web\nFAKE LOG LINE\u202e")).isEqualTo("web\\x0aFAKE LOG LINE\\u202e");
    assertThat(IdentityApi.printable("a".repeat(400))).hasSize(301).endsWith("…");
  }

  // --- helpers ---

  private IdentityGrpc.IdentityBlockingStub client(IssuerSource issuers, TokenValidator validator, IdentityConfig config) {
    String name = InProcessServerBuilder.generateName();
    try {
      servers.add(InProcessServerBuilder.forName(name).directExecutor()
          .addService(new IdentityApi(new Certifier(issuers, validator, config, clock, events)))
          .build().start());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return IdentityGrpc.newBlockingStub(channel);
  }

  static Issuer issuer(CertificateAuthority ca) {
    return Issuer.of(ca, PKI.anchors, "test");
  }

  static CertifyRequest request(String identity, byte[] token, byte[] csr) {
    return CertifyRequest.newBuilder().setIdentity(identity).setToken(ByteString.copyFrom(token))
        .setCertificateSigningRequest(ByteString.copyFrom(csr)).build();
  }

  static X509Certificate x509(ByteString der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der.toByteArray()));
    } catch (Exception e) {
      throw new PkiException("not a certificate: " + e.getMessage(), e);
    }
  }

  record OpensslResult(int exit, String output) {}

  static OpensslResult openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new OpensslResult(process.exitValue(), output);
  }
}
