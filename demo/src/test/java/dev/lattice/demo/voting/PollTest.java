package dev.lattice.demo.voting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PollTest {
  private final Poll poll = new Poll();

  @Test
  void resultsAreMostVotesFirstThenByShortcode() {
    poll.vote(":cat:");
    poll.vote(":dog:");
    poll.vote(":dog:");
    poll.vote(":bee:");

    assertThat(poll.results())
        .containsExactly(
            new Poll.Result(":dog:", 2), new Poll.Result(":bee:", 1), new Poll.Result(":cat:", 1));
  }

  @Test
  void theDoughnutIsRefusedAndNotCounted() {
    assertThatThrownBy(() -> poll.vote(":doughnut:"))
        .isInstanceOf(Poll.RefusedVote.class)
        .hasMessageContaining(":doughnut:");
    assertThat(poll.results()).isEmpty();
  }

  @Test
  void aBlankShortcodeIsRejected() {
    assertThatThrownBy(() -> poll.vote(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("shortcode:");
  }
}
