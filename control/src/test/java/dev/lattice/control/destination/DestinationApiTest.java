package dev.lattice.control.destination;

import static dev.lattice.control.destination.Fixtures.service;
import static dev.lattice.control.destination.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lattice.api.destination.DestinationGrpc;
import dev.lattice.api.destination.GetDestination;
import dev.lattice.api.destination.IPAddress;
import dev.lattice.api.destination.ProtocolHint;
import dev.lattice.api.destination.TcpAddress;
import dev.lattice.api.destination.Update;
import dev.lattice.api.destination.WeightedAddr;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.Workload;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DestinationApiTest {
  private static final String WEB = "web-svc.emojivoto.svc.cluster.local:80";

  private final InMemoryStore store = new InMemoryStore();
  private final EndpointsIndex index = new EndpointsIndex(DestinationConfig.defaults());
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    store.watch(index);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new DestinationApi(index, "cluster.local"))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    store.apply(List.of(Namespace.of("emojivoto"), service("web", "10.96.0.10")));
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void firstMessageIsTheWholeSetWithIdentityAndHints() throws Exception {
    store.apply(List.of(workload("web-0", "web", "10.42.0.5"), workload("web-1", "web", "10.42.0.6")));

    Stream stream = get(WEB);
    Update first = stream.next();

    assertThat(first.hasAdd()).isTrue();
    assertThat(first.getAdd().getMetricLabelsMap()).containsEntry("service", "web-svc").containsEntry("namespace", "emojivoto");
    assertThat(first.getAdd().getAddrsList()).extracting(a -> address(a.getAddr())).containsExactly("10.42.0.5:8080", "10.42.0.6:8080");
    WeightedAddr addr = first.getAdd().getAddrs(0);
    assertThat(addr.getWeight()).isEqualTo(10_000);
    assertThat(addr.getMetricLabelsMap()).containsEntry("pod", "web-0").containsEntry("serviceaccount", "web");
    assertThat(addr.getTlsIdentity().getDnsLikeIdentity().getName())
        .isEqualTo("web.emojivoto.serviceaccount.identity.linkerd.cluster.local");
    assertThat(addr.getTlsIdentity().getServerName().getName())
        .isEqualTo("web.emojivoto.serviceaccount.identity.linkerd.cluster.local");
    assertThat(addr.getProtocolHint().hasH2()).isTrue();
    assertThat(addr.getProtocolHint().hasOpaqueTransport()).isFalse();
    stream.assertNothingMore();
  }

  @Test
  void opaquePortsGetAnOpaqueHintAndTransportPort() throws Exception {
    store.apply(List.of(workload("web-0", "web", "10.42.0.5")));
    WeightedAddr addr = get("web-svc.emojivoto.svc.cluster.local:3306").next().getAdd().getAddrs(0);
    assertThat(addr.getProtocolHint().getProtocolCase()).isEqualTo(ProtocolHint.ProtocolCase.OPAQUE);
    assertThat(addr.getProtocolHint().getOpaqueTransport().getInboundPort()).isEqualTo(4143);
  }

  @Test
  void anEmptyServiceSaysSoThenPushesWorkloadsAsTheyComeAndGo() throws Exception {
    Stream stream = get(WEB);
    assertThat(stream.next().getNoEndpoints().getExists()).isTrue();

    Workload web0 = workload("web-0", "web", null);
    store.apply(List.of(web0)); // scheduled, not running: nothing to say
    stream.assertNothingMore();

    store.apply(List.of(web0.withStatus(InetAddress.ofLiteral("10.42.0.5"), true)));
    Update added = stream.next();
    assertThat(added.getAdd().getAddrsList()).extracting(a -> address(a.getAddr())).containsExactly("10.42.0.5:8080");

    store.apply(List.of(workload("web-1", "web", "10.42.0.6")));
    assertThat(stream.next().getAdd().getAddrsList()).extracting(a -> address(a.getAddr())).containsExactly("10.42.0.6:8080");

    // The app in web-0 is killed: its readiness goes, and so does its endpoint.
    store.apply(List.of(web0.withStatus(InetAddress.ofLiteral("10.42.0.5"), false)));
    assertThat(stream.next().getRemove().getAddrsList()).extracting(DestinationApiTest::address).containsExactly("10.42.0.5:8080");

    // web-1 restarts elsewhere: one message removes the old address, the next adds the new one.
    store.apply(List.of(workload("web-1", "web", "10.42.0.16")));
    assertThat(stream.next().getRemove().getAddrsList()).extracting(DestinationApiTest::address).containsExactly("10.42.0.6:8080");
    assertThat(stream.next().getAdd().getAddrsList()).extracting(a -> address(a.getAddr())).containsExactly("10.42.0.16:8080");

    store.delete(List.of(workload("web-1", "web", null).ref()));
    assertThat(stream.next().getRemove().getAddrsList()).extracting(DestinationApiTest::address).containsExactly("10.42.0.16:8080");
    stream.assertNothingMore();

    store.delete(List.of(service("web", null).ref()));
    Update gone = stream.next();
    assertThat(gone.hasNoEndpoints()).isTrue();
    assertThat(gone.getNoEndpoints().getExists()).isFalse();
  }

  @Test
  void aVirtualIpPathIsALatticeExtension() throws Exception {
    store.apply(List.of(workload("web-0", "web", "10.42.0.5")));
    Update first = get("10.96.0.10:80").next();
    assertThat(first.getAdd().getAddrsList()).extracting(a -> address(a.getAddr())).containsExactly("10.42.0.5:8080");
  }

  @Test
  void errorsMapToLinkerdsStatusCodes() {
    assertStatus("nope.emojivoto.svc.cluster.local:80", Status.Code.NOT_FOUND, "no service nope.emojivoto:80");
    assertStatus("10.42.0.5:8080", Status.Code.INVALID_ARGUMENT, "IP queries not supported by Get API");
    assertStatus("web-svc:80", Status.Code.INVALID_ARGUMENT, "invalid path 'web-svc:80'");
    assertStatus("web-svc.emojivoto.svc.cluster.local:0", Status.Code.INVALID_ARGUMENT, "port '0'");
  }

  @Test
  void aCancelledStreamStopsWatching() throws Exception {
    Stream stream = get(WEB);
    stream.next();
    assertThat(index.listenerCount()).isEqualTo(1);
    channel.shutdownNow();
    await().atMost(Duration.ofSeconds(10)).until(() -> index.listenerCount() == 0);
    store.apply(List.of(workload("web-0", "web", "10.42.0.5")));
    assertThat(index.listenerCount()).isZero();
  }

  private void assertStatus(String path, Status.Code code, String description) {
    Iterator<Update> updates =
        DestinationGrpc.newBlockingStub(channel).get(GetDestination.newBuilder().setPath(path).build());
    assertThatThrownBy(updates::hasNext)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(description);
            });
  }

  private Stream get(String path) {
    Stream stream = new Stream();
    DestinationGrpc.newStub(channel).get(GetDestination.newBuilder().setPath(path).build(), stream);
    return stream;
  }

  static String address(TcpAddress a) {
    IPAddress ip = a.getIp();
    int v4 = ip.getIpv4();
    return ((v4 >>> 24) & 0xff) + "." + ((v4 >>> 16) & 0xff) + "." + ((v4 >>> 8) & 0xff) + "." + (v4 & 0xff)
        + ":" + a.getPort();
  }

  /** Collects a stream's messages; errors become a poison message. */
  static final class Stream implements StreamObserver<Update> {
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

    @Override
    public void onNext(Update value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      received.add(t);
    }

    @Override
    public void onCompleted() {
      received.add("completed");
    }

    Update next() throws InterruptedException {
      Object next = received.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("next message").isInstanceOf(Update.class);
      return (Update) next;
    }

    /** With direct executors every push is delivered before apply() returns, so empty means none. */
    void assertNothingMore() {
      assertThat(received).isEmpty();
    }
  }
}
