package dev.lattice.control.destination;

import dev.lattice.api.destination.AddrSet;
import dev.lattice.api.destination.IPAddress;
import dev.lattice.api.destination.IPv6;
import dev.lattice.api.destination.NoEndpoints;
import dev.lattice.api.destination.ProtocolHint;
import dev.lattice.api.destination.TcpAddress;
import dev.lattice.api.destination.TlsIdentity;
import dev.lattice.api.destination.Update;
import dev.lattice.api.destination.WeightedAddr;
import dev.lattice.api.destination.WeightedAddrSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns the views of one watched service into the {@code Update}s of one {@code Get} stream: the whole
 * set first, then only differences — {@code remove} for addresses that left, {@code add} for addresses
 * that are new or whose metadata changed (an {@code add} replaces). It remembers what the client was
 * told, so views may be skipped (coalesced) without the client missing anything.
 *
 * <p>Protocol rules it keeps: the first message always says something (an {@code add}, or {@code
 * no_endpoints{exists:true}} for an empty service), and {@code no_endpoints} is never sent after an
 * {@code add} while the service exists — removing the last endpoint is a {@code remove}.
 */
final class UpdateStream {
  private SortedMap<Endpoint.Address, Endpoint> sent = new TreeMap<>();
  private boolean started;
  private boolean serviceGone;

  /** The updates that take the client from what it was told to {@code view}; may be empty. */
  List<Update> next(EndpointView view) {
    List<Update> updates = new ArrayList<>();
    switch (view) {
      case EndpointView.NoService ignored -> {
        if (!serviceGone || !started) {
          updates.add(noEndpoints(false));
        }
        serviceGone = true;
        sent = new TreeMap<>();
      }
      case EndpointView.Endpoints now -> {
        List<Endpoint.Address> removed = new ArrayList<>();
        for (Endpoint.Address a : sent.keySet()) {
          if (!now.endpoints().containsKey(a)) {
            removed.add(a);
          }
        }
        List<Endpoint> added = new ArrayList<>();
        now.endpoints().forEach(
            (a, e) -> {
              if (!e.equals(sent.get(a))) {
                added.add(e);
              }
            });
        if (!removed.isEmpty()) {
          AddrSet.Builder set = AddrSet.newBuilder();
          removed.forEach(a -> set.addAddrs(tcp(a)));
          updates.add(Update.newBuilder().setRemove(set).build());
        }
        if (!added.isEmpty()) {
          updates.add(Update.newBuilder().setAdd(addSet(now.setLabels(), added)).build());
        } else if (now.endpoints().isEmpty() && (!started || serviceGone)) {
          updates.add(noEndpoints(true));
        }
        serviceGone = false;
        sent = now.endpoints();
      }
    }
    if (!updates.isEmpty()) {
      started = true;
    }
    return updates;
  }

  static WeightedAddrSet addSet(Map<String, String> setLabels, List<Endpoint> endpoints) {
    WeightedAddrSet.Builder set = WeightedAddrSet.newBuilder().putAllMetricLabels(setLabels);
    endpoints.forEach(e -> set.addAddrs(weighted(e)));
    return set.build();
  }

  static WeightedAddr weighted(Endpoint e) {
    WeightedAddr.Builder addr =
        WeightedAddr.newBuilder()
            .setAddr(tcp(e.address()))
            .setWeight(Endpoint.WEIGHT)
            .putAllMetricLabels(e.metricLabels());
    e.identity()
        .ifPresent(
            id -> {
              TlsIdentity.DnsLikeIdentity name =
                  TlsIdentity.DnsLikeIdentity.newBuilder().setName(id.value()).build();
              addr.setTlsIdentity(TlsIdentity.newBuilder().setDnsLikeIdentity(name).setServerName(name));
            });
    switch (e.hint()) {
      case NONE -> {}
      case H2 -> addr.setProtocolHint(ProtocolHint.newBuilder().setH2(ProtocolHint.H2.getDefaultInstance()));
      case OPAQUE -> {
        ProtocolHint.Builder hint =
            ProtocolHint.newBuilder().setOpaque(ProtocolHint.Opaque.getDefaultInstance());
        if (e.opaqueTransportPort() != 0) {
          hint.setOpaqueTransport(
              ProtocolHint.OpaqueTransport.newBuilder().setInboundPort(e.opaqueTransportPort()));
        }
        addr.setProtocolHint(hint);
      }
    }
    return addr.build();
  }

  static TcpAddress tcp(Endpoint.Address a) {
    byte[] bytes = a.ip().getAddress();
    IPAddress.Builder ip = IPAddress.newBuilder();
    if (bytes.length == 4) {
      ip.setIpv4(ByteBuffer.wrap(bytes).getInt());
    } else {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      ip.setIpv6(IPv6.newBuilder().setFirst(b.getLong()).setLast(b.getLong()));
    }
    return TcpAddress.newBuilder().setIp(ip).setPort(a.port()).build();
  }

  private static Update noEndpoints(boolean exists) {
    return Update.newBuilder().setNoEndpoints(NoEndpoints.newBuilder().setExists(exists)).build();
  }
}
