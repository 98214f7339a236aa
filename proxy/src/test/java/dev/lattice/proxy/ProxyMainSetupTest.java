package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.proxy.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ProxyMain reads every feature's variables from one environment and reports all problems together. */
class ProxyMainSetupTest {
  @Test
  void problemsOfEveryFeatureAreReportedTogether() {
    assertThatThrownBy(() -> ProxyMain.Setup.parse(Map.of(
        "LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT", "soon",                       // proxy
        "LINKERD2_PROXY_IDENTITY_SVC_ADDR", "127.0.0.1:8080",                 // identity: name, anchors, token missing
        "LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED", "maybe",                   // admin
        "LINKERD2_PROXY_INBOUND_DEFAULT_POLICY", "everyone",                   // policy
        "LINKERD2_PROXY_LOG", "warn,linkerd=loud",                             // logging
        "LATTICE_PROXY_SOURCE_IP", "not-an-ip")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
            .contains("LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT", "LATTICE_PROXY_SOURCE_IP",
                "LINKERD2_PROXY_IDENTITY_LOCAL_NAME: is required", "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: is required",
                "LINKERD2_PROXY_IDENTITY_TOKEN_FILE: is required", "LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED",
                "LINKERD2_PROXY_INBOUND_DEFAULT_POLICY", "LINKERD2_PROXY_LOG", "'loud' is not a level"));
  }

  @Test
  void certificateFilesAndTheIdentityServiceAreExclusive() {
    assertThatThrownBy(() -> ProxyMain.Setup.parse(Map.of(
        "LATTICE_PROXY_CERT_FILE", "/nonexistent.crt", "LATTICE_PROXY_KEY_FILE", "/nonexistent.key",
        "LINKERD2_PROXY_IDENTITY_SVC_ADDR", "127.0.0.1:8080")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
            .contains("choose the identity service or certificate files", "LATTICE_PROXY_CERT_FILE='/nonexistent.crt'"));
  }

  @Test
  void theDestinationServiceAddressIsParsedWithTheOtherProblems() {
    assertThatThrownBy(() -> ProxyMain.Setup.parse(Map.of(
        "LINKERD2_PROXY_DESTINATION_SVC_ADDR", "nowhere",
        "LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT", "soon")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
            .contains("LINKERD2_PROXY_DESTINATION_SVC_ADDR='nowhere'", "LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT"));
  }

  @Test
  void policyIsOffWithoutAServiceOrADefault() {
    // Identity variables are incomplete here, so parsing fails; but no policy problem is reported.
    assertThatThrownBy(() -> ProxyMain.Setup.parse(Map.of("LINKERD2_PROXY_IDENTITY_LOCAL_NAME", "web.shop.serviceaccount.identity.linkerd.cluster.local")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
            .doesNotContain("LINKERD2_PROXY_INBOUND_DEFAULT_POLICY"));
  }
}
