package dev.lattice.demo.emoji;

import dev.lattice.demo.runtime.Env;
import java.net.InetSocketAddress;

/** Where the emoji workload listens: {@code GRPC_HOST} (default 0.0.0.0) and {@code GRPC_PORT} (default 8080). */
public record EmojiConfig(InetSocketAddress listen) {
  public static EmojiConfig from(Env env) {
    return new EmojiConfig(env.listen("GRPC_HOST", "GRPC_PORT", 8080));
  }
}
