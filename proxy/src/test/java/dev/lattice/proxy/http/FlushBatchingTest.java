package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FlushBatchingTest {
  /** Counts the flushes that get past the batching (toward the socket). */
  private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  private final FlushCounter counter = new FlushCounter();
  // Through the pipeline: EmbeddedChannel.flush() itself runs the loop's pending tasks.
  private final EmbeddedChannel channel = new EmbeddedChannel(counter, FlushBatching.create());

  @Test
  void flushesOutsideAReadBecomeOneTaskOnTheLoop() {
    // All writes first: a write reaching EmbeddedChannel runs the loop's pending tasks.
    channel.pipeline().write("m0");
    channel.pipeline().write("m1");
    for (int i = 0; i < 3; i++) {
      channel.pipeline().flush();
    }
    assertThat(counter.flushes).isZero();
    assertThat((Object) channel.readOutbound()).isNull();

    channel.runPendingTasks();

    assertThat(counter.flushes).isEqualTo(1);
    assertThat((Object) channel.readOutbound()).isEqualTo("m0");

    // A later flush queues the task again.
    channel.pipeline().writeAndFlush("m2");
    channel.runPendingTasks();
    assertThat(counter.flushes).isEqualTo(2);
  }

  @Test
  void flushesDuringAReadWaitForReadComplete() {
    channel.pipeline().fireChannelRead("in");
    channel.pipeline().writeAndFlush("out");
    channel.pipeline().writeAndFlush("out");
    channel.runPendingTasks();
    assertThat(counter.flushes).isZero();

    channel.pipeline().fireChannelReadComplete();

    assertThat(counter.flushes).isEqualTo(1);
    channel.runPendingTasks();
    assertThat(counter.flushes).isEqualTo(1);
  }

  @Test
  void aLongReadStillFlushesEvery64Flushes() {
    channel.pipeline().fireChannelRead("in");
    for (int i = 0; i < 64; i++) {
      channel.pipeline().writeAndFlush("out");
    }
    assertThat(counter.flushes).isEqualTo(1);
  }

  @Test
  void closeFlushesWhatIsHeldBack() {
    channel.pipeline().write("last words");
    channel.pipeline().flush();
    assertThat(counter.flushes).isZero();

    channel.close();

    assertThat(counter.flushes).isEqualTo(1);
    assertThat((Object) channel.readOutbound()).isEqualTo("last words");
  }
}
