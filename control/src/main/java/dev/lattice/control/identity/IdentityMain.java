package dev.lattice.control.identity;

import dev.lattice.control.events.LoggingEventSink;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the identity service as a process: {@code --addr=0.0.0.0:8080 --issuer-dir=… --trust-anchors=…
 * --token-dir=… [--issuance-lifetime=24h] [--clock-skew-allowance=20s] [--controller-namespace=linkerd]
 * [--identity-trust-domain=cluster.local] [--issuer-poll-interval=10s]}. Exit status 2 for bad flags.
 */
public final class IdentityMain {
  private IdentityMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        System.err.println("identity: argument '" + arg + "' is not --name=value");
        System.exit(2);
      }
      flags.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    IdentityServerConfig config;
    try {
      config = IdentityServerConfig.parse(flags);
    } catch (IllegalArgumentException e) {
      System.err.println("identity: " + e.getMessage());
      System.exit(2);
      return;
    }
    IdentityServer.run(config, InstantSource.system(), new LoggingEventSink());
  }
}
