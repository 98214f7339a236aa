package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.proxy.testing.GrpcOrders;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestPki;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * gRPC from a client that is not Java: Node's {@code @grpc/grpc-js} (proxy/src/test/node/client.js)
 * makes a unary call and a 50-message bidirectional stream through a real mTLS proxy pair to a
 * grpc-java server; every message is checked byte for byte on the Node side and summarised here.
 * Skipped when node or npm is missing; the first run installs the client's packages there.
 */
class NodeGrpcClientTest {
  private static final Path NODE_DIR = Path.of("src", "test", "node");
  private static final int MESSAGES = 50;

  @Test
  void unaryAndBidirectionalStreamingFromGrpcJsThroughTheProxyPair() throws Exception {
    assumeTrue(Processes.available("node") && Processes.available("npm"), "node and npm are not installed");
    if (!Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("@grpc"))) {
      Processes.Result install = Processes.run(List.of("bash", "-c",
          "cd " + NODE_DIR + " && npm install --no-audit --no-fund"), null, 300);
      assumeTrue(install.exit() == 0, "npm install failed (no registry?): " + install.err());
    }
    try (GrpcOrders server = new GrpcOrders(); ProxyPair pair = new ProxyPair(new TestPki())) {
      InetSocketAddress app = new InetSocketAddress("127.0.0.1", server.port());
      pair.meshed(app, false);
      pair.target.set(app);

      Processes.Result run = Processes.run(List.of("node", NODE_DIR.resolve("client.js").toString(),
          "127.0.0.1:" + pair.entry().getPort(), Integer.toString(MESSAGES)), null, 120);
      assertThat(run.exit()).as(run.err()).isZero();
      String out = run.out().strip();

      assertThat(out).contains("\"unary\":{\"id\":\"unary-1\",\"served\":\"java\",\"same\":true}");
      assertThat(out).contains("\"sent\":" + MESSAGES + ",\"received\":" + MESSAGES + ",\"inOrder\":true");
      assertThat(field(out, "receivedSha")).isEqualTo(field(out, "sentSha")).isEqualTo(expectedChatDigest());
      assertThat(server.messages.get()).as("every message reached the Java server").isEqualTo(1 + MESSAGES);
      assertThat(dev.lattice.proxy.testing.MetricsText.sum(pair.metricsB, "request_total",
          java.util.Map.of("direction", "inbound", "tls", "true"))).isEqualTo(2);
    }
  }

  /** SHA-256 over the chat payloads as client.js makes them: sha256("item-i")[0, 1 + (i-1) % 32). */
  private static String expectedChatDigest() throws Exception {
    MessageDigest all = MessageDigest.getInstance("SHA-256");
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      byte[] full = MessageDigest.getInstance("SHA-256").digest(("item-" + (i + 1)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      payloads.add(java.util.Arrays.copyOf(full, 1 + (i % 32)));
    }
    payloads.forEach(all::update);
    return HexFormat.of().formatHex(all.digest());
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([0-9a-f]+)\"").matcher(json);
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return m.group(1);
  }
}
