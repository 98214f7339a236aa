package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP through a real proxy pair (A outbound → mTLS HTTP/2 → B inbound → app), driven by curl. */
class MeshHopTest {
  static TestPki pki;
  static TestApp app;
  static ProxyPair pair;

  @BeforeAll
  static void start() {
    pki = new TestPki();
    app = new TestApp();
    pair = new ProxyPair(pki);
    pair.meshed(app.address(), false);
    pair.target.set(app.address());
  }

  @AfterAll
  static void stop() {
    pair.close();
    app.close();
  }

  @Test
  void http1KeepAliveTravelsAsHttp2AndArrivesAsHttp1WithClientIdentity() {
    Processes.Result r = Processes.run("curl", "-sv", "-D", "-", pair.entryUrl("/hello"), pair.entryUrl("/hello?again"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("HTTP/1.1 200");
    assertThat(r.out()).containsIgnoringCase("x-seen-client-id: " + TestPki.CLIENT.value());
    assertThat(r.out()).containsIgnoringCase("x-seen-orig-proto: none");
    assertThat(r.out()).containsIgnoringCase("x-seen-version: HTTP/1.1");
    assertThat(r.out()).doesNotContainIgnoringCase("l5d-orig-proto");
    assertThat(r.out().split("hello", -1)).hasSize(3);
    assertThat(r.err()).contains("Re-using existing connection");
  }
}
