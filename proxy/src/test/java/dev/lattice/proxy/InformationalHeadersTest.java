package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outbound tells its application why it failed ({@code l5d-proxy-error}) unless
 * {@code LINKERD2_PROXY_OUTBOUND_DISABLE_INFORMATIONAL_HEADERS=true} (Linkerd's ingress mode sets it):
 * through a real pair whose peer cannot be reached, with curl.
 */
class InformationalHeadersTest {
  @Test
  void theProxysOwnErrorIsExplainedByDefault() throws IOException {
    try (ProxyPair pair = new ProxyPair(new TestPki())) {
      assertThat(unreachablePeer(pair)).startsWith("HTTP/1.1 502").containsIgnoringCase("l5d-proxy-error: ");
    }
  }

  @Test
  void theExplanationCanBeTurnedOff() throws IOException {
    try (ProxyPair pair = new ProxyPair(new TestPki(), Map.of("LINKERD2_PROXY_OUTBOUND_DISABLE_INFORMATIONAL_HEADERS", "true"))) {
      assertThat(unreachablePeer(pair)).startsWith("HTTP/1.1 502").doesNotContainIgnoringCase("l5d-proxy-error");
    }
  }

  private static String unreachablePeer(ProxyPair pair) throws IOException {
    InetSocketAddress app = new InetSocketAddress("127.0.0.1", TestApp.freePort());
    pair.meshedBehind(app, new InetSocketAddress("127.0.0.1", TestApp.freePort()), TestPki.SERVER, false);
    pair.target.set(app);
    Processes.Result r = Processes.run("curl", "-sS", "-D", "-", "-o", "/dev/null", pair.entryUrl("/"));
    return r.out();
  }
}
