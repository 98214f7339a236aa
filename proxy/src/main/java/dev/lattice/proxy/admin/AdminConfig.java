package dev.lattice.proxy.admin;

import dev.lattice.api.Ports;
import dev.lattice.api.ProxyEnv;
import dev.lattice.proxy.env.EnvReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * @param listenAddress where the admin server listens ({@code LINKERD2_PROXY_ADMIN_LISTEN_ADDR},
 *     default {@code 127.0.0.1:4191}); port 0 picks a free port (tests)
 * @param shutdownEndpointEnabled whether {@code POST /shutdown} works
 *     ({@code LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED=true}); off by default
 */
public record AdminConfig(InetSocketAddress listenAddress, boolean shutdownEndpointEnabled) {
  public static final InetSocketAddress DEFAULT_LISTEN_ADDRESS =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), Ports.PROXY_ADMIN);

  public AdminConfig {
    Objects.requireNonNull(listenAddress, "listenAddress");
  }

  public static AdminConfig parse(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    Optional<AdminConfig> config = from(reader);
    reader.throwIfInvalid();
    return config.orElseThrow();
  }

  /** Reads the admin variables, recording problems in {@code env}; empty if any of them was bad. */
  public static Optional<AdminConfig> from(EnvReader env) {
    int problemsBefore = env.problems().size();
    InetSocketAddress listen = env.socketAddress(ProxyEnv.ADMIN_LISTEN_ADDR, DEFAULT_LISTEN_ADDRESS);
    boolean shutdown = env.bool(ProxyEnv.SHUTDOWN_ENDPOINT_ENABLED, false);
    if (env.problems().size() > problemsBefore) {
      return Optional.empty();
    }
    return Optional.of(new AdminConfig(listen, shutdown));
  }
}
