package dev.lattice.proxy.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.ProxyEnv;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.proxy.admin.AdminConfig;
import dev.lattice.proxy.env.EnvProblem;
import dev.lattice.proxy.env.EnvReader;
import dev.lattice.proxy.env.HostAndPort;
import dev.lattice.proxy.env.InvalidEnvException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IdentityConfigTest {
  private static final String ME = "web.emojivoto.serviceaccount.identity.linkerd.cluster.local";
  private static final String IDENTITY_SVC = "linkerd-identity.linkerd.serviceaccount.identity.linkerd.cluster.local";
  private static String anchorsPem;

  @BeforeAll
  static void makeAnchor() {
    anchorsPem = Pem.encode(CertificateAuthority.createRoot(
        CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), Instant.now()).certificate());
  }

  @Test
  void parsesWhatTheInjectorWrites() {
    IdentityConfig config = IdentityConfig.parse(validEnv());
    assertThat(config.localName()).isEqualTo(new IdentityName(ME));
    assertThat(config.trustAnchors().toPem()).isEqualTo(anchorsPem);
    assertThat(config.tokenFile()).isEqualTo(Path.of("/var/run/secrets/tokens/linkerd-identity-token"));
    assertThat(config.serviceAddress())
        .isEqualTo(new HostAndPort("linkerd-identity-headless.linkerd.svc.cluster.local.", 8080));
    assertThat(config.serviceName()).contains(new IdentityName(IDENTITY_SVC));
    assertThat(config.minRefresh()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxRefresh()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void refreshBoundsComeFromTheEnvironment() {
    Map<String, String> env = validEnv();
    env.put(ProxyEnv.IDENTITY_MIN_REFRESH, "500ms");
    env.put(ProxyEnv.IDENTITY_MAX_REFRESH, "1h");
    IdentityConfig config = IdentityConfig.parse(env);
    assertThat(config.minRefresh()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.maxRefresh()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aLoopbackServiceNeedsNoName() {
    Map<String, String> env = validEnv();
    env.put(ProxyEnv.IDENTITY_SVC_ADDR, "127.0.0.1:8080");
    env.remove(ProxyEnv.IDENTITY_SVC_NAME);
    assertThat(IdentityConfig.parse(env).serviceName()).isEqualTo(Optional.empty());
  }

  @Test
  void reportsEveryBadVariableAtOnce() {
    Map<String, String> env = new HashMap<>();
    env.put(ProxyEnv.IDENTITY_DISABLED, "true");
    env.put(ProxyEnv.IDENTITY_LOCAL_NAME, "Web.Default");
    env.put(ProxyEnv.IDENTITY_TRUST_ANCHORS, "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n");
    env.put(ProxyEnv.IDENTITY_SVC_ADDR, "linkerd-identity-headless.linkerd.svc.cluster.local.");
    env.put(ProxyEnv.IDENTITY_MIN_REFRESH, "10");
    env.put(ProxyEnv.IDENTITY_MAX_REFRESH, "1.5h");

    assertThatThrownBy(() -> IdentityConfig.parse(env))
        .isInstanceOfSatisfying(InvalidEnvException.class, e -> {
          assertThat(e.problems()).extracting(EnvProblem::name).containsExactlyInAnyOrder(
              ProxyEnv.IDENTITY_DISABLED, ProxyEnv.IDENTITY_LOCAL_NAME, ProxyEnv.IDENTITY_TRUST_ANCHORS,
              ProxyEnv.IDENTITY_TOKEN_FILE, ProxyEnv.IDENTITY_SVC_ADDR, ProxyEnv.IDENTITY_MIN_REFRESH,
              ProxyEnv.IDENTITY_MAX_REFRESH);
          assertThat(reason(e, ProxyEnv.IDENTITY_DISABLED)).contains("no longer supported");
          assertThat(reason(e, ProxyEnv.IDENTITY_LOCAL_NAME)).contains("lower case");
          assertThat(reason(e, ProxyEnv.IDENTITY_TRUST_ANCHORS)).isNotBlank();
          assertThat(reason(e, ProxyEnv.IDENTITY_TOKEN_FILE)).isEqualTo("is required");
          assertThat(reason(e, ProxyEnv.IDENTITY_SVC_ADDR)).contains("host:port");
          assertThat(reason(e, ProxyEnv.IDENTITY_MIN_REFRESH)).contains("not a duration");
          assertThat(reason(e, ProxyEnv.IDENTITY_MAX_REFRESH)).contains("not a duration");
          // Each line names the variable and shows its value.
          assertThat(e.getMessage()).contains("7 problems", ProxyEnv.IDENTITY_MIN_REFRESH + "='10'");
        });
  }

  @Test
  void crossVariableRulesAreChecked() {
    Map<String, String> env = validEnv();
    env.remove(ProxyEnv.IDENTITY_SVC_NAME);
    env.put(ProxyEnv.IDENTITY_MIN_REFRESH, "2h");
    env.put(ProxyEnv.IDENTITY_MAX_REFRESH, "1h");
    assertThatThrownBy(() -> IdentityConfig.parse(env))
        .isInstanceOfSatisfying(InvalidEnvException.class, e -> {
          assertThat(reason(e, ProxyEnv.IDENTITY_SVC_NAME)).contains("not a loopback address");
          assertThat(reason(e, ProxyEnv.IDENTITY_MIN_REFRESH)).contains("must not exceed");
        });
  }

  @Test
  void featuresShareOneReaderSoOneExceptionCoversThemAll() {
    Map<String, String> env = validEnv();
    env.put(ProxyEnv.IDENTITY_LOCAL_NAME, "");
    env.put(ProxyEnv.ADMIN_LISTEN_ADDR, "localhost:4191");
    env.put(ProxyEnv.SHUTDOWN_ENDPOINT_ENABLED, "yes");
    EnvReader reader = new EnvReader(env);
    assertThat(IdentityConfig.from(reader)).isEmpty();
    assertThat(AdminConfig.from(reader)).isEmpty();
    assertThatThrownBy(reader::throwIfInvalid)
        .isInstanceOfSatisfying(InvalidEnvException.class, e -> assertThat(e.problems())
            .extracting(EnvProblem::name)
            .containsExactly(ProxyEnv.IDENTITY_LOCAL_NAME, ProxyEnv.ADMIN_LISTEN_ADDR,
                ProxyEnv.SHUTDOWN_ENDPOINT_ENABLED));
  }

  private static String reason(InvalidEnvException e, String name) {
    return e.problems().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().reason();
  }

  private static Map<String, String> validEnv() {
    Map<String, String> env = new HashMap<>();
    env.put(ProxyEnv.IDENTITY_LOCAL_NAME, ME);
    env.put(ProxyEnv.IDENTITY_TRUST_ANCHORS, anchorsPem);
    env.put(ProxyEnv.IDENTITY_TOKEN_FILE, "/var/run/secrets/tokens/linkerd-identity-token");
    env.put(ProxyEnv.IDENTITY_SVC_ADDR, "linkerd-identity-headless.linkerd.svc.cluster.local.:8080");
    env.put(ProxyEnv.IDENTITY_SVC_NAME, IDENTITY_SVC);
    env.put(ProxyEnv.IDENTITY_DIR, "/var/run/linkerd/identity/end-entity");
    return env;
  }
}
