package dev.lattice.demo.voting;

import dev.lattice.demo.runtime.Env;
import java.net.InetSocketAddress;

/** Where the voting workload listens: {@code GRPC_HOST} (default 0.0.0.0) and {@code GRPC_PORT} (default 8080). */
public record VotingConfig(InetSocketAddress listen) {
  public static VotingConfig from(Env env) {
    return new VotingConfig(env.listen("GRPC_HOST", "GRPC_PORT", 8080));
  }
}
