package dev.lattice.demo.bot;

import dev.lattice.demo.runtime.Workload;

/** Runs a {@link VoteBot} on its own thread until it has made its attempts or is closed. */
public final class VoteBotWorkload implements Workload {
  private final VoteBot bot;
  private final Thread thread;

  private VoteBotWorkload(VoteBot bot, long maxAttempts) {
    this.bot = bot;
    this.thread = Thread.ofPlatform().name("vote-bot").unstarted(() -> bot.run(maxAttempts));
  }

  /** Starts voting; {@code maxAttempts} bounds the run (the launcher passes {@link Long#MAX_VALUE}). */
  public static VoteBotWorkload start(VoteBot bot, long maxAttempts) {
    VoteBotWorkload workload = new VoteBotWorkload(bot, maxAttempts);
    workload.thread.start();
    return workload;
  }

  /** The bot's tally so far. */
  public VoteBot.Tally tally() {
    return bot.tally();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    thread.join();
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    bot.close();
  }
}
