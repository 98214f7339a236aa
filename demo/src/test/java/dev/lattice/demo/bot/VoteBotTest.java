package dev.lattice.demo.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The bot against a web that is not there: it keeps trying, backing off, and never throws. */
class VoteBotTest {
  @Test
  void backsOffWhileTheWebIsUnreachableAndNeverGivesUp() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    // 100 votes/s: the 10 ms interval is shorter than every backoff step, so the sleeps show the backoff.
    try (VoteBot bot =
        VoteBot.create(
            new VoteBotConfig(URI.create("http://127.0.0.1:" + closedPort), 100),
            InstantSource.fixed(Instant.EPOCH),
            sleeps::add,
            new SplittableRandom(1))) {

      VoteBot.Tally tally = bot.run(5);

      assertThat(tally).isEqualTo(new VoteBot.Tally(0, 5));
      assertThat(sleeps)
          .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
    }
  }

  @Test
  void pacesAttemptsAtTheConfiguredRate() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    // 0.1 votes/s: a 10 s interval, longer than the first backoff steps, so the pace wins.
    try (VoteBot bot =
        VoteBot.create(
            new VoteBotConfig(URI.create("http://127.0.0.1:" + closedPort), 0.1),
            InstantSource.fixed(Instant.EPOCH),
            sleeps::add,
            new SplittableRandom(1))) {
      bot.run(3);
    }

    assertThat(sleeps).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
  }
}
