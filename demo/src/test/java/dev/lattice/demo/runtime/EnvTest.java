package dev.lattice.demo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
  @Test
  void defaultsApplyWhenUnsetOrBlank() {
    Env env = Env.of(Map.of("WEB_PORT", " "));

    assertThat(env.listen("WEB_HOST_ADDR", "WEB_PORT", 8080).getPort()).isEqualTo(8080);
    assertThat(env.hostPort("EMOJISVC_HOST", "emoji-svc.emojivoto:8080")).isEqualTo("emoji-svc.emojivoto:8080");
    assertThat(env.positiveNumber("VOTE_RATE", 2.0)).isEqualTo(2.0);
    env.check();
  }

  @Test
  void everyBadVariableIsReportedAtOnce() {
    Env env =
        Env.of(Map.of("GRPC_PORT", "70000", "EMOJISVC_HOST", "emoji-svc", "VOTINGSVC_HOST", "v:x", "VOTE_RATE", "0"));
    env.port("GRPC_PORT", 8080);
    env.hostPort("EMOJISVC_HOST", "emoji-svc.emojivoto:8080");
    env.hostPort("VOTINGSVC_HOST", "voting-svc.emojivoto:8080");
    env.positiveNumber("VOTE_RATE", 2);

    assertThatThrownBy(env::check)
        .hasMessageContaining("GRPC_PORT=70000 (expected: a port number 0-65535)")
        .hasMessageContaining("EMOJISVC_HOST=emoji-svc (expected: host:port")
        .hasMessageContaining("VOTINGSVC_HOST=v:x")
        .hasMessageContaining("VOTE_RATE=0 (expected: a number > 0)");
  }
}
