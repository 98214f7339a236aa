package dev.lattice.policy;

import java.util.Arrays;
import java.util.Optional;

/** How the proxy treats a port's traffic: {@code Server.spec.proxyProtocol}. */
public enum ProxyProtocol {
  DETECT("unknown"),
  HTTP1("HTTP/1"),
  HTTP2("HTTP/2"),
  GRPC("gRPC"),
  OPAQUE("opaque"),
  TLS("TLS");

  private final String value;

  ProxyProtocol(String value) {
    this.value = value;
  }

  /** The spelling a Server manifest uses. */
  public String value() {
    return value;
  }

  /** Whether requests are routed and authorized one by one (otherwise: once per connection). */
  public boolean hasRoutes() {
    return this != OPAQUE && this != TLS;
  }

  public static Optional<ProxyProtocol> parse(String value) {
    return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
  }
}
