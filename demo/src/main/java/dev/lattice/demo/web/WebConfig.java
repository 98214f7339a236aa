package dev.lattice.demo.web;

import dev.lattice.demo.runtime.Env;
import java.net.InetSocketAddress;

/**
 * The web workload's settings: where it listens ({@code WEB_HOST_ADDR}, default 0.0.0.0; {@code WEB_PORT},
 * default 8080) and where the emoji and voting services are ({@code EMOJISVC_HOST}, {@code VOTINGSVC_HOST},
 * as {@code host:port}, defaulting to emojivoto's Kubernetes service names).
 */
public record WebConfig(InetSocketAddress listen, String emojiTarget, String votingTarget) {
  public static final String DEFAULT_EMOJI_TARGET = "emoji-svc.emojivoto:8080";
  public static final String DEFAULT_VOTING_TARGET = "voting-svc.emojivoto:8080";

  public static WebConfig from(Env env) {
    return new WebConfig(
        env.listen("WEB_HOST_ADDR", "WEB_PORT", 8080),
        env.hostPort("EMOJISVC_HOST", DEFAULT_EMOJI_TARGET),
        env.hostPort("VOTINGSVC_HOST", DEFAULT_VOTING_TARGET));
  }
}
