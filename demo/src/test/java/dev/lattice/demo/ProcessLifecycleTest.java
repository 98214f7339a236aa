package dev.lattice.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.demo.proto.EmojiServiceGrpc;
import dev.lattice.demo.proto.ListAllEmojiRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A workload as its own JVM, launched the way docs/demo.md says: one startup line, and SIGTERM stops it. */
class ProcessLifecycleTest {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void emojiStartsLogsWhereItListensAndStopsOnSigterm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DemoMain.class.getName(), "emoji");
    builder.environment().put("GRPC_HOST", "127.0.0.1");
    builder.environment().put("GRPC_PORT", "0");
    Process process = builder.redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread.ofVirtual().start(() -> collect(process, output));
    try {
      int port = await().atMost(Duration.ofSeconds(20)).until(() -> listeningPort(output), p -> p > 0);

      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        var list = EmojiServiceGrpc.newBlockingStub(channel).listAll(ListAllEmojiRequest.getDefaultInstance());
        assertThat(list.getListCount()).isGreaterThanOrEqualTo(20);
      } finally {
        channel.shutdownNow();
      }

      // SIGTERM. Not Process.destroy(): that also closes our end of the pipe, losing the last lines.
      process.toHandle().destroy();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> output.stream().anyMatch(l -> l.contains("emoji: stopping")));
      assertThat(output.stream().filter(l -> l.contains("listening on"))).hasSize(1);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void badEnvironmentNamesEveryBadVariableAndExits2() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DemoMain.class.getName(), "vote-bot");
    builder.environment().put("WEB_HOST", "no-port-here");
    builder.environment().put("VOTE_RATE", "-1");
    Process process = builder.redirectErrorStream(true).start();
    try {
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(output).contains("WEB_HOST=no-port-here", "VOTE_RATE=-1", "usage:");
    } finally {
      process.destroyForcibly();
    }
  }

  private static int listeningPort(List<String> output) {
    for (String line : output) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return 0;
  }

  private static void collect(Process process, List<String> output) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("(output read failed: " + e + ")");
    }
  }
}
