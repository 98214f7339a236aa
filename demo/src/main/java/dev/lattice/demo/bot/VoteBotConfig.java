package dev.lattice.demo.bot;

import dev.lattice.demo.runtime.Env;
import java.net.URI;

/**
 * The vote-bot's settings: the web workload's {@code host:port} ({@code WEB_HOST}, default
 * {@code web-svc.emojivoto:80}, as in emojivoto) and the vote rate ({@code VOTE_RATE}, votes per second,
 * default 2).
 */
public record VoteBotConfig(URI web, double votesPerSecond) {
  public static final String DEFAULT_WEB_HOST = "web-svc.emojivoto:80";

  public VoteBotConfig {
    if (!(votesPerSecond > 0) || !Double.isFinite(votesPerSecond)) {
      throw new IllegalArgumentException("votesPerSecond: " + votesPerSecond + " (expected: > 0)");
    }
  }

  public static VoteBotConfig from(Env env) {
    String host = env.hostPort("WEB_HOST", DEFAULT_WEB_HOST);
    double rate = env.positiveNumber("VOTE_RATE", 2.0);
    return new VoteBotConfig(URI.create("http://" + host), rate);
  }
}
