package dev.lattice.control.identity;

import static dev.lattice.control.testing.TestPki.NOW;
import static dev.lattice.control.testing.TestPki.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.lattice.api.identity.CertifyRequest;
import dev.lattice.api.identity.CertifyResponse;
import dev.lattice.api.identity.IdentityGrpc;
import dev.lattice.control.events.RecordingEventSink;
import dev.lattice.control.identity.issuer.IssuerFiles;
import dev.lattice.control.identity.issuer.IssuerReloader;
import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.control.testing.TestClock;
import dev.lattice.control.testing.TestPki;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.CertificateRequests;
import dev.lattice.pki.KeyPairs;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issuer is swapped on disk while clients hammer Certify: no call fails, and new calls use the new issuer. */
class IssuerRotationTest {
  private static final int CLIENTS = 4;

  @TempDir Path dir;

  /**
   * What one call saw: whether the refused update / the swap had been announced before it started,
   * whether it finished before the new issuer was even written, and who signed its leaf.
   */
  record Call(boolean startedAfterSkip, boolean startedAfterUpdate, boolean finishedBeforeNextWritten,
      X509Certificate issuer, List<X509Certificate> chain) {}

  @Test
  void certifyKeepsAnsweringThroughABadUpdateAndARealSwap() throws Exception {
    TestPki pki = new TestPki();
    TestClock clock = new TestClock(NOW);
    RecordingEventSink events = new RecordingEventSink();
    Path issuerDir = Files.createDirectories(dir.resolve("issuer"));
    Path anchors = pki.writeAnchors(dir.resolve("trust-roots/ca-bundle.crt"));
    TestPki.publishKubernetesStyle(issuerDir, pki.issuer);
    LocalTokenStore tokens = LocalTokenStore.open(dir.resolve("tokens"), clock);
    byte[] token = Files.readAllBytes(tokens.mint("emojivoto", "web", "web-0"));
    CertifyRequest request = CertifyRequest.newBuilder().setIdentity(WEB.value()).setToken(ByteString.copyFrom(token))
        .setCertificateSigningRequest(ByteString.copyFrom(CertificateRequests.create(WEB, KeyPairs.generateP256())))
        .build();

    IssuerReloader reloader = new IssuerReloader(new IssuerFiles(issuerDir, anchors), clock, events,
        IdentityEvents.controller("linkerd"));
    reloader.reload();
    reloader.startWatching(Duration.ZERO, Duration.ofMillis(10));
    String name = InProcessServerBuilder.generateName();
    ExecutorService serverThreads = Executors.newFixedThreadPool(CLIENTS);
    Server server = InProcessServerBuilder.forName(name).executor(serverThreads)
        .addService(new IdentityApi(new Certifier(reloader, tokens, IdentityConfig.defaults(), clock, events)))
        .build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    var stub = IdentityGrpc.newBlockingStub(channel);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean nextWritten = new AtomicBoolean();
    Queue<Call> calls = new ConcurrentLinkedQueue<>();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> loops = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      loops.add(clients.submit(() -> {
        while (!stop.get()) {
          boolean afterSkip = !events.withReason(IdentityEvents.ISSUER_UPDATE_SKIPPED).isEmpty();
          boolean afterUpdate = events.withReason(IdentityEvents.ISSUER_UPDATED).size() >= 2;
          try {
            CertifyResponse response = stub.certify(request);
            X509Certificate leaf = IdentityApiTest.x509(response.getLeafCertificate());
            X509Certificate issuer = IdentityApiTest.x509(response.getIntermediateCertificates(0));
            calls.add(new Call(afterSkip, afterUpdate, !nextWritten.get(), issuer, List.of(leaf, issuer)));
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
      }));
    }
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> calls.size() >= 50);

      // A bad update first: signed by another anchor. Refused; the old issuer keeps signing.
      TestPki.publishKubernetesStyle(issuerDir, new TestPki().issuer);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> !events.withReason(IdentityEvents.ISSUER_UPDATE_SKIPPED).isEmpty());
      await().atMost(Duration.ofSeconds(20)).until(() -> calls.stream().filter(Call::startedAfterSkip).count() >= 50);

      // Then a real rotation under the same anchor.
      CertificateAuthority next = pki.newIssuer();
      nextWritten.set(true);
      TestPki.publishKubernetesStyle(issuerDir, next);
      await().atMost(Duration.ofSeconds(20)).until(() -> events.withReason(IdentityEvents.ISSUER_UPDATED).size() == 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> calls.stream().filter(Call::startedAfterUpdate).count() >= 50);
      stop.set(true);
      for (Future<?> loop : loops) {
        loop.get(20, TimeUnit.SECONDS);
      }

      assertThat(failures).isEmpty();
      for (Call call : calls) {
        pki.anchors.verifyIdentity(call.chain(), WEB, NOW);
        if (call.startedAfterUpdate()) {
          assertThat(call.issuer()).as("signed after IssuerUpdated").isEqualTo(next.certificate());
        }
        if (call.finishedBeforeNextWritten()) {
          // Including every call after the refused update: it changed nothing.
          assertThat(call.issuer()).as("signed before the new issuer existed").isEqualTo(pki.issuer.certificate());
        }
      }
      assertThat(calls.stream().filter(c -> c.startedAfterSkip() && c.finishedBeforeNextWritten()).count())
          .isGreaterThanOrEqualTo(50);
      assertThat(calls.stream().map(Call::issuer).distinct().toList())
          .containsExactlyInAnyOrder(pki.issuer.certificate(), next.certificate());
      assertThat(events.withReason(IdentityEvents.ISSUED_LEAF_CERTIFICATE)).hasSize(calls.size());
    } finally {
      stop.set(true);
      clients.shutdownNow();
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      serverThreads.shutdownNow();
      reloader.close();
    }
  }
}
