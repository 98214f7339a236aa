package dev.lattice.demo;

import dev.lattice.demo.bot.VoteBot;
import dev.lattice.demo.bot.VoteBotConfig;
import dev.lattice.demo.bot.VoteBotWorkload;
import dev.lattice.demo.emoji.EmojiApi;
import dev.lattice.demo.emoji.EmojiCatalog;
import dev.lattice.demo.emoji.EmojiConfig;
import dev.lattice.demo.runtime.Addresses;
import dev.lattice.demo.runtime.Env;
import dev.lattice.demo.runtime.GrpcWorkload;
import dev.lattice.demo.runtime.Workload;
import dev.lattice.demo.voting.Poll;
import dev.lattice.demo.voting.VotingApi;
import dev.lattice.demo.voting.VotingConfig;
import dev.lattice.demo.web.WebConfig;
import dev.lattice.demo.web.WebWorkload;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches one demo workload per process: {@code emoji}, {@code voting}, {@code web} or {@code vote-bot},
 * configured from the environment (see docs/demo.md). SIGTERM stops it cleanly through a shutdown hook.
 */
public final class DemoMain {
  private static final Logger log = LoggerFactory.getLogger(DemoMain.class);
  static final String USAGE = "usage: DemoMain <emoji|voting|web|vote-bot>  (configured by environment variables)";

  private DemoMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println(USAGE);
      System.exit(2);
    }
    Workload workload;
    try {
      workload = start(args[0], System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(args[0] + ": " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("shutdown")
                .unstarted(
                    () -> {
                      log.info("{}: stopping", args[0]);
                      workload.close();
                    }));
    workload.awaitTermination();
  }

  /** Starts the named workload with the given environment and logs where it listens. */
  static Workload start(String name, Map<String, String> environment) {
    Env env = Env.of(environment);
    return switch (name) {
      case "emoji" -> {
        EmojiConfig config = EmojiConfig.from(env);
        env.check();
        GrpcWorkload server = GrpcWorkload.start(config.listen(), new EmojiApi(EmojiCatalog.standard()));
        log.info("emoji: gRPC emojivoto.v1.EmojiService listening on {}", Addresses.format(server.address()));
        yield server;
      }
      case "voting" -> {
        VotingConfig config = VotingConfig.from(env);
        env.check();
        GrpcWorkload server = GrpcWorkload.start(config.listen(), new VotingApi(new Poll()));
        log.info("voting: gRPC emojivoto.v1.VotingService listening on {}", Addresses.format(server.address()));
        yield server;
      }
      case "web" -> {
        WebConfig config = WebConfig.from(env);
        env.check();
        WebWorkload server = WebWorkload.start(config);
        log.info(
            "web: HTTP listening on {} (emoji at {}, voting at {})",
            Addresses.format(server.address()), config.emojiTarget(), config.votingTarget());
        yield server;
      }
      case "vote-bot" -> {
        VoteBotConfig config = VoteBotConfig.from(env);
        env.check();
        log.info("vote-bot: voting through {} at {} votes/s", config.web(), config.votesPerSecond());
        yield VoteBotWorkload.start(VoteBot.create(config), Long.MAX_VALUE);
      }
      default -> throw new IllegalArgumentException("unknown workload '" + name + "'");
    };
  }
}
