package dev.lattice.proxy.discovery;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.transport.OrigDstAddr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Discovery from a text file, one destination per line:
 *
 * <pre>
 * # target        attributes (any order)
 * 10.0.0.7:8080   identity=web.emojivoto.serviceaccount.identity.linkerd.cluster.local proxy=10.0.0.7:4143 label.namespace=emojivoto
 * 10.0.0.8:5432   opaque
 * 10.0.0.9:6379   identity=cache.default.serviceaccount.identity.linkerd.cluster.local opaque
 * </pre>
 *
 * {@code identity} makes the target meshed; {@code proxy} is the peer's inbound address (default:
 * the target's IP and port 4143). {@code opaque} skips protocol detection. {@code label.K=V} adds
 * {@code dst_K="V"} to metrics. Unlisted targets are unmeshed.
 */
public final class StaticDiscovery implements Discovery {
  private final Map<OrigDstAddr, Endpoint> endpoints;

  private StaticDiscovery(Map<OrigDstAddr, Endpoint> endpoints) {
    this.endpoints = Map.copyOf(endpoints);
  }

  public static StaticDiscovery of(List<Endpoint> endpoints) {
    Map<OrigDstAddr, Endpoint> map = new HashMap<>();
    for (Endpoint e : endpoints) {
      map.put(e.target(), e);
    }
    return new StaticDiscovery(map);
  }

  public static StaticDiscovery load(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": unreadable: " + e.getMessage(), e);
    }
  }

  /** Parses the format above; every bad line is reported in one exception. */
  public static StaticDiscovery parse(String text, String source) {
    Map<OrigDstAddr, Endpoint> map = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      String where = source + ":" + (i + 1) + ": ";
      try {
        Endpoint e = parseLine(line);
        if (map.put(e.target(), e) != null) {
          problems.add(where + "duplicate target " + e.target());
        }
      } catch (IllegalArgumentException e) {
        problems.add(where + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid discovery file:\n  " + String.join("\n  ", problems));
    }
    return new StaticDiscovery(map);
  }

  @Override
  public CompletionStage<Endpoint> resolve(OrigDstAddr target) {
    Endpoint e = endpoints.get(target);
    return CompletableFuture.completedFuture(e != null ? e : Endpoint.unmeshed(target));
  }

  private static Endpoint parseLine(String line) {
    String[] words = line.split("\\s+");
    OrigDstAddr target = new OrigDstAddr(address(words[0], "target"));
    IdentityName identity = null;
    InetSocketAddress proxy = null;
    boolean opaque = false;
    Map<String, String> labels = new LinkedHashMap<>();
    for (int w = 1; w < words.length; w++) {
      String word = words[w];
      if (word.equals("opaque")) {
        opaque = true;
        continue;
      }
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + word + "': expected identity=…, proxy=ip:port, opaque or label.K=V");
      }
      String key = word.substring(0, eq);
      String value = word.substring(eq + 1);
      if (key.equals("identity")) {
        String problem = IdentityName.problemWith(value);
        if (problem != null) {
          throw new IllegalArgumentException("identity '" + value + "': " + problem);
        }
        identity = new IdentityName(value);
      } else if (key.equals("proxy")) {
        proxy = address(value, "proxy");
      } else if (key.startsWith("label.") && key.length() > 6) {
        String name = key.substring(6);
        if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
          throw new IllegalArgumentException("label name '" + name + "': expected [a-zA-Z_][a-zA-Z0-9_]*");
        }
        labels.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown attribute '" + key + "' (expected: identity, proxy, opaque, label.K)");
      }
    }
    if (proxy != null && identity == null) {
      throw new IllegalArgumentException("proxy= given without identity= (a peer proxy must have an identity)");
    }
    Optional<Endpoint.Meshed> meshed = identity == null
        ? Optional.empty()
        : Optional.of(new Endpoint.Meshed(identity,
            proxy != null ? proxy : new InetSocketAddress(target.address().getAddress(), dev.lattice.api.Ports.PROXY_INBOUND)));
    return new Endpoint(target, meshed, opaque, labels);
  }

  private static InetSocketAddress address(String text, String what) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(what + " '" + text + "': expected ip:port");
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + text + "': port is not a number");
    }
    if (port < 1 || port > 65535 || !host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw new IllegalArgumentException(what + " '" + text + "': expected an IP literal and a port in [1, 65535]");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(what + " '" + text + "': not an IP address");
    }
  }
}
