package dev.lattice.proxy.discovery;

import dev.lattice.api.Ports;
import dev.lattice.api.destination.DestinationGrpc;
import dev.lattice.api.destination.GetDestination;
import dev.lattice.api.destination.TcpAddress;
import dev.lattice.api.destination.Update;
import dev.lattice.api.destination.WeightedAddr;
import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.control.ControlChannel;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.transport.OrigDstAddr;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery through the control plane's destination service: one {@code Destination.Get} watch per
 * original destination {@code ip:port}, kept open and cached, so later connections resolve at once from
 * the latest endpoint set.
 *
 * <p>The path asked for is the target itself, {@code <ip>:<port>}: Lattice's destination service answers
 * for a Service's virtual IP (a Lattice extension; Linkerd's rejects IP paths). An address that is no
 * Service's ({@code INVALID_ARGUMENT} or {@code NOT_FOUND}) resolves to {@link Endpoint#unmeshed}, and that
 * answer is cached for {@value #NEGATIVE_TTL_SECONDS} s. The first update resolves the pending lookups;
 * later updates change what the next connection gets. Each connection picks the next endpoint of the set
 * in turn (round robin); per-request balancing is later work.
 *
 * <p>An endpoint with a {@code tls_identity} is meshed with that identity (dialled on its
 * {@code opaque_transport.inbound_port}, else {@value Ports#PROXY_INBOUND}); protocol hint
 * {@code opaque} makes it opaque.
 */
public final class DestinationDiscovery implements Discovery, AutoCloseable {
  static final long NEGATIVE_TTL_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(DestinationDiscovery.class);
  private static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofSeconds(3);

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final String contextToken;
  private final Map<InetSocketAddress, Watch> watches = new ConcurrentHashMap<>();
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("destination-retry").factory());
  private volatile boolean closed;

  private DestinationDiscovery(ManagedChannel channel, boolean ownsChannel, String contextToken) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.contextToken = contextToken == null ? "" : contextToken;
  }

  /** A client of the destination service at {@code host:port} (plaintext gRPC for now), counted in {@code metrics}. */
  public static DestinationDiscovery connect(String host, int port, String contextToken, MetricsRegistry metrics) {
    return new DestinationDiscovery(ControlChannel.dial(host, port, metrics), true, contextToken);
  }

  /** Over an existing channel, which the caller keeps owning (tests). */
  public static DestinationDiscovery over(ManagedChannel channel, String contextToken) {
    return new DestinationDiscovery(channel, false, contextToken);
  }

  @Override
  public CompletionStage<Endpoint> resolve(OrigDstAddr target) {
    InetSocketAddress key = target.address();
    Watch watch = watches.compute(key, (k, existing) -> existing == null || existing.expired() ? new Watch(target) : existing);
    return watch.first
        .completeOnTimeout(null, FIRST_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(ignored -> watch.pick());
  }

  @Override
  public void close() {
    closed = true;
    watches.values().forEach(Watch::cancel);
    retries.shutdownNow();
    if (ownsChannel) {
      channel.shutdownNow();
    }
  }

  /** One target's stream and its current endpoint set. */
  private final class Watch {
    final OrigDstAddr target;
    final CompletableFuture<Void> first = new CompletableFuture<>();
    final AtomicInteger next = new AtomicInteger();
    volatile List<Endpoint> endpoints = List.of();
    volatile boolean notAService;
    volatile long notAServiceAt;
    volatile ClientCallStreamObserver<GetDestination> call;
    final Map<InetSocketAddress, WeightedAddr> addrs = new LinkedHashMap<>();
    Map<String, String> setLabels = Map.of();
    int attempt;

    Watch(OrigDstAddr target) {
      this.target = target;
      subscribe();
    }

    boolean expired() {
      return notAService && System.nanoTime() - notAServiceAt > TimeUnit.SECONDS.toNanos(NEGATIVE_TTL_SECONDS);
    }

    Endpoint pick() {
      List<Endpoint> current = endpoints;
      if (notAService || current.isEmpty()) {
        return Endpoint.unmeshed(target);
      }
      return current.get(Math.floorMod(next.getAndIncrement(), current.size()));
    }

    void cancel() {
      ClientCallStreamObserver<GetDestination> c = call;
      if (c != null) {
        c.cancel("discovery closed", null);
      }
    }

    void subscribe() {
      if (closed) {
        return;
      }
      GetDestination request = GetDestination.newBuilder().setPath(path(target)).setContextToken(contextToken).build();
      DestinationGrpc.newStub(channel).get(request, new ClientResponseObserver<GetDestination, Update>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<GetDestination> requestStream) {
          call = requestStream;
        }

        @Override
        public void onNext(Update update) {
          attempt = 0;
          apply(update);
          first.complete(null);
        }

        @Override
        public void onError(Throwable t) {
          Status status = Status.fromThrowable(t);
          if (status.getCode() == Status.Code.INVALID_ARGUMENT || status.getCode() == Status.Code.NOT_FOUND) {
            notAService = true;
            notAServiceAt = System.nanoTime();
            first.complete(null);
            return;
          }
          if (closed || status.getCode() == Status.Code.CANCELLED) {
            return;
          }
          long delay = Math.min(5000, 100L << Math.min(attempt++, 6));
          log.warn("destination watch for {} failed ({}); retrying in {} ms", target, status, delay);
          retries.schedule(Watch.this::subscribe, delay, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onCompleted() {
          // The server ended the stream (e.g. it restarted): keep the last set, subscribe again.
          if (!closed) {
            retries.schedule(Watch.this::subscribe, 100, TimeUnit.MILLISECONDS);
          }
        }
      });
    }

    private synchronized void apply(Update update) {
      switch (update.getUpdateCase()) {
        case ADD -> {
          if (!update.getAdd().getMetricLabelsMap().isEmpty()) {
            setLabels = Map.copyOf(update.getAdd().getMetricLabelsMap());
          }
          for (WeightedAddr a : update.getAdd().getAddrsList()) {
            toSocketAddress(a.getAddr()).ifPresent(s -> addrs.put(s, a));
          }
        }
        case REMOVE -> update.getRemove().getAddrsList().forEach(a -> toSocketAddress(a).ifPresent(addrs::remove));
        case NO_ENDPOINTS -> addrs.clear();
        default -> { }
      }
      List<Endpoint> list = new ArrayList<>();
      for (Map.Entry<InetSocketAddress, WeightedAddr> e : addrs.entrySet()) {
        list.add(endpoint(e.getKey(), e.getValue(), setLabels));
      }
      endpoints = List.copyOf(list);
    }
  }

  /** The Get path for an original destination: {@code ip:port}, IPv6 in brackets. */
  static String path(OrigDstAddr target) {
    InetAddress ip = target.address().getAddress();
    String host = ip.getHostAddress();
    return (ip instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + target.port();
  }

  static Endpoint endpoint(InetSocketAddress addr, WeightedAddr a, Map<String, String> setLabels) {
    Map<String, String> labels = new HashMap<>(setLabels);
    labels.putAll(a.getMetricLabelsMap());
    Optional<Endpoint.Meshed> meshed = Optional.empty();
    if (a.hasTlsIdentity() && a.getTlsIdentity().hasDnsLikeIdentity()
        && IdentityName.problemWith(a.getTlsIdentity().getDnsLikeIdentity().getName()) == null) {
      int port = a.hasProtocolHint() && a.getProtocolHint().hasOpaqueTransport()
          ? a.getProtocolHint().getOpaqueTransport().getInboundPort() : Ports.PROXY_INBOUND;
      meshed = Optional.of(new Endpoint.Meshed(new IdentityName(a.getTlsIdentity().getDnsLikeIdentity().getName()),
          new InetSocketAddress(addr.getAddress(), port)));
    }
    boolean opaque = a.hasProtocolHint() && a.getProtocolHint().hasOpaque();
    return new Endpoint(new OrigDstAddr(addr), meshed, opaque, labels);
  }

  static Optional<InetSocketAddress> toSocketAddress(TcpAddress a) {
    try {
      byte[] bytes;
      if (a.getIp().hasIpv6()) {
        bytes = java.nio.ByteBuffer.allocate(16).putLong(a.getIp().getIpv6().getFirst())
            .putLong(a.getIp().getIpv6().getLast()).array();
      } else {
        bytes = java.nio.ByteBuffer.allocate(4).putInt(a.getIp().getIpv4()).array();
      }
      return Optional.of(new InetSocketAddress(InetAddress.getByAddress(bytes), a.getPort()));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

}
