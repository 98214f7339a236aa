package dev.lattice.bench;

import com.google.protobuf.ByteString;
import dev.lattice.api.identity.CertifyRequest;
import dev.lattice.api.identity.CertifyResponse;
import dev.lattice.api.identity.IdentityGrpc;
import dev.lattice.control.events.EventSink;
import dev.lattice.control.identity.Certifier;
import dev.lattice.control.identity.CertifyOutcome;
import dev.lattice.control.identity.IdentityApi;
import dev.lattice.control.identity.IdentityConfig;
import dev.lattice.control.identity.issuer.Issuer;
import dev.lattice.control.identity.issuer.IssuerSource;
import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.CertificateRequest;
import dev.lattice.pki.CertificateRequests;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.IssuedCertificate;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.TrustBundle;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of issuing one workload leaf from a DER CSR, at three depths:
 * <ul>
 *   <li>{@code csrToLeaf}: parse the CSR and check its self-signature, check its naming, sign the leaf
 *       (pki only: the cryptographic floor);</li>
 *   <li>{@code certifier}: everything Certify decides, including the token lookup and the leaf's
 *       fingerprint for the event (events discarded);</li>
 *   <li>{@code certifyInProcess}: the same through the gRPC handler and protobuf encoding over an
 *       in-process channel (no sockets).</li>
 * </ul>
 * One thread; the CSR is the same each time (a proxy's refresh re-sends its CSR too). Throughput in
 * ops/s by default; {@code -bm avgt -tu us} gives µs/op. Warm-up iterations are 3 s: EC field arithmetic
 * needs several thousand calls before C2 has compiled it, more on a busy machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class IssueLeafBenchmark {
  private static final IdentityName WEB =
      IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");

  private Path tokenDirectory;
  private CertificateAuthority issuer;
  private IdentityConfig config;
  private byte[] csr;
  private byte[] token;
  private Certifier certifier;
  private CertifyRequest request;
  private Server server;
  private ManagedChannel channel;
  private IdentityGrpc.IdentityBlockingStub stub;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Instant now = Instant.now();
    CertificateAuthority root =
        CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    issuer = root.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    config = IdentityConfig.defaults();
    csr = CertificateRequests.create(WEB, KeyPairs.generateP256());

    tokenDirectory = Files.createTempDirectory("lattice-bench-tokens");
    LocalTokenStore tokens = LocalTokenStore.open(tokenDirectory, InstantSource.system());
    token = Files.readAllBytes(tokens.mint("emojivoto", "web", "web-0"));
    // A few other workloads, so the constant-time scan compares more than one entry.
    for (int i = 0; i < 15; i++) {
      tokens.mint("emojivoto", "sa-" + i, "workload-" + i);
    }
    Issuer loaded = Issuer.of(issuer, TrustBundle.of(root.certificate()), "bench");
    certifier = new Certifier(IssuerSource.fixed(loaded), tokens, config, InstantSource.system(), EventSink.discarding());

    request = CertifyRequest.newBuilder().setIdentity(WEB.value()).setToken(ByteString.copyFrom(token))
        .setCertificateSigningRequest(ByteString.copyFrom(csr)).build();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new IdentityApi(certifier)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = IdentityGrpc.newBlockingStub(channel);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    try (Stream<Path> files = Files.walk(tokenDirectory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Benchmark
  public IssuedCertificate csrToLeaf() {
    CertificateRequest parsed = CertificateRequests.parse(csr);
    String problem = parsed.problemNaming(WEB);
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    return issuer.issueLeaf(WEB, parsed.publicKey(), Instant.now(), config.issuanceLifetime(),
        config.clockSkewAllowance());
  }

  @Benchmark
  public CertifyOutcome certifier() {
    CertifyOutcome outcome = certifier.certify(WEB.value(), token, csr);
    if (!(outcome instanceof CertifyOutcome.Issued)) {
      throw new IllegalStateException(outcome.toString());
    }
    return outcome;
  }

  @Benchmark
  public CertifyResponse certifyInProcess() {
    return stub.certify(request);
  }
}
