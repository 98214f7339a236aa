package dev.lattice.control.destination;

import dev.lattice.pki.IdentityName;
import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One address a client may connect to, with what it needs to connect well.
 *
 * @param identity the peer's TLS identity; empty when the peer is not meshed with this control plane
 *     (the client then connects in plaintext)
 * @param opaqueTransportPort the peer proxy's inbound port to send opaque traffic to with a transport
 *     header, or 0 for none
 */
public record Endpoint(
    Address address,
    Map<String, String> metricLabels,
    Optional<IdentityName> identity,
    ProtocolHint hint,
    int opaqueTransportPort) {

  /** Every endpoint weighs the same; the proxy's balancer ignores weights anyway. */
  public static final int WEIGHT = 10_000;

  public Endpoint {
    Objects.requireNonNull(address, "address");
    metricLabels = Map.copyOf(new TreeMap<>(metricLabels));
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(hint, "hint");
  }

  /** What the peer's proxy can do with the connection. */
  public enum ProtocolHint {
    /** Unmeshed peer, or a port its proxy skips: nothing is known. */
    NONE,
    /** A proxy that accepts HTTP/2, so HTTP/1 may be upgraded. */
    H2,
    /** An opaque port: bytes pass through as they are. */
    OPAQUE
  }

  /** An IP and TCP port. */
  public record Address(InetAddress ip, int port) implements Comparable<Address> {
    public Address {
      Objects.requireNonNull(ip, "ip");
    }

    @Override
    public int compareTo(Address o) {
      int byIp = java.util.Arrays.compareUnsigned(ip.getAddress(), o.ip.getAddress());
      return byIp != 0 ? byIp : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
      return (ip.getAddress().length == 16 ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress())
          + ":" + port;
    }
  }
}
