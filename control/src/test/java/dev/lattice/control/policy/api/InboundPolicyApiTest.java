package dev.lattice.control.policy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lattice.api.inbound.Authz;
import dev.lattice.api.inbound.InboundServerPoliciesGrpc;
import dev.lattice.api.inbound.PortSpec;
import dev.lattice.api.inbound.Server;
import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.control.policy.PolicyIndex;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.Kind;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.ResourceRef;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inbound policy API in process, fed by a real store, index and watches. */
class InboundPolicyApiTest {
  static final String WEB = "{\"ns\":\"shop\",\"pod\":\"web\"}";

  private final InMemoryStore store = new InMemoryStore();
  private final PolicyWatches watches = new PolicyWatches(new PolicyIndex(PolicyConfig.defaults()));
  private io.grpc.Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    store.apply(fixture("namespaces.yaml", "web.yaml", "catalogue.yaml"));
    store.watch(watches);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new InboundPolicyApi(watches)).build()
        .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void getPortAnswersWithTheDefaultServerOfAPortNoServerSelects() {
    Server s = InboundServerPoliciesGrpc.newBlockingStub(channel)
        .getPort(PortSpec.newBuilder().setWorkload(WEB).setPort(4191).build());
    assertThat(s.getLabelsMap()).containsEntry("group", "").containsEntry("kind", "default")
        .containsEntry("name", "all-unauthenticated");
    assertThat(s.getProtocol().hasDetect()).isTrue();
    assertThat(s.getProtocol().getDetect().getTimeout().getSeconds()).isEqualTo(10);
    assertThat(s.getProtocol().getDetect().getHttpRoutesList()).extracting(r -> r.getMetadata().getDefault())
        .containsExactly("default", "probe");
    Authz authz = s.getAuthorizations(0);
    assertThat(authz.getMetadata().getDefault()).isEqualTo("all-unauthenticated");
    assertThat(authz.getNetworksList()).hasSize(2);
    assertThat(authz.getAuthentication().hasUnauthenticated()).isTrue();
  }

  @Test
  void watchSendsTheCurrentPolicyThenAWholeNewOneWhenAnAuthorizationPolicyIsApplied() throws Exception {
    Watch watch = watch(WEB, 8080);
    Server first = watch.next();
    assertThat(first.getLabelsMap()).containsEntry("kind", "server").containsEntry("name", "web-http");
    assertThat(first.getProtocol().hasHttp1()).isTrue();
    assertThat(first.getAuthorizationsList()).isEmpty(); // a Server without authorizations: deny

    store.apply(ManifestParser.parse("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: http-from-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        """));
    Server second = watch.next();
    assertThat(second.getAuthorizationsList()).singleElement().satisfies(a -> {
      assertThat(a.getMetadata().getResource().getKind()).isEqualTo("authorizationpolicy");
      assertThat(a.getMetadata().getResource().getName()).isEqualTo("http-from-frontend");
      assertThat(a.getLabelsMap()).containsEntry("name", "http-from-frontend");
      assertThat(a.getAuthentication().getMeshTLS().getIdentities().getIdentities(0).getName())
          .isEqualTo("frontend.shop.serviceaccount.identity.linkerd.cluster.local");
    });

    store.delete(List.of(ResourceRef.of(Kind.SERVER, "shop", "web-http")));
    Server third = watch.next();
    assertThat(third.getLabelsMap()).containsEntry("name", "all-unauthenticated");
    assertThat(third.getProtocol().hasDetect()).isTrue();
  }

  @Test
  void changesElsewhereSendNothing() throws Exception {
    Watch watch = watch(WEB, 8080);
    watch.next();
    store.apply(ManifestParser.parse("""
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: other, namespace: ops}
        spec: {podSelector: {matchLabels: {app: web}}, port: 8080}
        """));
    // A change that does reach the port, to prove the stream is alive and nothing came before it.
    store.delete(List.of(ResourceRef.of(Kind.SERVER, "shop", "web-http")));
    assertThat(watch.next().getLabelsMap()).containsEntry("name", "all-unauthenticated");
  }

  @Test
  void closingTheStreamStopsWatching() throws Exception {
    Watch watch = watch(WEB, 8080);
    watch.next();
    assertThat(watches.listenerCount()).isEqualTo(1);
    watch.cancel();
    await().atMost(Duration.ofSeconds(5)).until(() -> watches.listenerCount() == 0);
  }

  @Test
  void aMalformedWorkloadOrPortIsInvalidArgument() throws Exception {
    assertThat(watch("{\"ns\":\"shop\"}", 8080).error().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(watch("not json", 8080).error().getDescription()).contains("neither JSON");
    assertThat(watch(WEB, 0).error().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(watch(WEB, 70000).error().getDescription()).contains("70000");
    assertThatThrownBy(() -> InboundServerPoliciesGrpc.newBlockingStub(channel)
        .getPort(PortSpec.newBuilder().setWorkload("").setPort(80).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void anUnknownPodIsNotFound() throws Exception {
    Status status = watch("{\"ns\":\"shop\",\"pod\":\"nope\"}", 8080).error();
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).contains("shop/nope");
    assertThat(watch("shop:web", 8080).next().getLabelsMap()).containsEntry("name", "web-http"); // legacy form
  }

  // ---- helpers

  static List<dev.lattice.control.store.Resource> fixture(String... names) {
    List<dev.lattice.control.store.Resource> out = new java.util.ArrayList<>();
    for (String name : names) {
      try (InputStream in = InboundPolicyApiTest.class.getResourceAsStream("/policy/fixture/" + name)) {
        out.addAll(ManifestParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private Watch watch(String workload, int port) {
    Watch w = new Watch();
    var ctx = io.grpc.Context.current().withCancellation();
    w.context = ctx;
    ctx.run(() -> InboundServerPoliciesGrpc.newStub(channel)
        .watchPort(PortSpec.newBuilder().setWorkload(workload).setPort(port).build(), w));
    return w;
  }

  private static final class Watch implements StreamObserver<Server> {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    io.grpc.Context.CancellableContext context;

    Server next() throws InterruptedException {
      Object e = events.poll(5, TimeUnit.SECONDS);
      assertThat(e).as("a Server within 5s").isInstanceOf(Server.class);
      return (Server) e;
    }

    Status error() throws InterruptedException {
      Object e = events.poll(5, TimeUnit.SECONDS);
      assertThat(e).as("an error within 5s").isInstanceOf(Status.class);
      return (Status) e;
    }

    void cancel() {
      context.cancel(null);
    }

    @Override
    public void onNext(Server value) {
      events.add(value);
    }

    @Override
    public void onError(Throwable t) {
      events.add(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      events.add("completed");
    }
  }
}
