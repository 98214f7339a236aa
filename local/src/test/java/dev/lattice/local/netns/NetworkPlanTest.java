package dev.lattice.local.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.local.exec.CommandFailedException;
import dev.lattice.local.exec.CommandResult;
import dev.lattice.local.exec.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bookkeeping of the plan with a scripted runner; NetworkPlanNamespaceTest runs the real thing. */
class NetworkPlanTest {
  private final List<String> ran = new ArrayList<>();
  private final NetworkNamespace a = new NetworkNamespace("pod-a");
  private final NetworkNamespace b = new NetworkNamespace("pod-b");

  private static String text(List<String> argv) {
    return String.join(" ", argv.subList(1, argv.size()));
  }

  @Test
  void recordsWhatItCreatedAndRemovesItNewestFirst() {
    CommandRunner runner = argv -> {
      ran.add(text(argv));
      return CommandResult.ok(argv, "");
    };
    NetworkPlan plan = NetworkPlan.using(runner);
    plan.namespace(a);
    plan.namespace(b);
    plan.vethPair(a, "eth0", b, "eth0");
    plan.address(a, "eth0", Cidr.parse("10.254.0.1/30"));

    assertThat(plan.created()).containsExactly(
        new Created.Namespace(a), new Created.Namespace(b), new Created.Link(a, "eth0", "veth"));
    ran.clear();

    plan.close();

    assertThat(ran).containsExactly("-n pod-a link delete eth0", "netns delete pod-b", "netns delete pod-a");
    assertThat(plan.created()).isEmpty();
  }

  @Test
  void aFailedStepIsNotRecordedButEarlierStepsStillAre() {
    CommandRunner runner = argv -> {
      ran.add(text(argv));
      return argv.contains("veth") ? new CommandResult(argv, 2, "", "RTNETLINK answers: File exists")
          : CommandResult.ok(argv, "");
    };
    NetworkPlan plan = NetworkPlan.using(runner);
    plan.namespace(a);

    assertThatThrownBy(() -> plan.vethPair(a, "eth0", b, "eth0"))
        .isInstanceOf(CommandFailedException.class).hasMessageContaining("File exists");
    assertThat(plan.created()).containsExactly(new Created.Namespace(a));
  }

  @Test
  void aRemovalThatFailsWhileTheTargetStillExistsIsReportedAfterTryingTheRest() {
    CommandRunner runner = argv -> {
      String t = text(argv);
      ran.add(t);
      if (t.equals("netns list")) {
        return CommandResult.ok(argv, "pod-b\npod-a (id: 0)\n");
      }
      return t.startsWith("netns delete pod-b") ? new CommandResult(argv, 1, "", "Device or resource busy")
          : CommandResult.ok(argv, "");
    };
    NetworkPlan plan = NetworkPlan.using(runner);
    plan.namespace(a);
    plan.namespace(b);

    assertThatThrownBy(plan::close)
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("netns delete pod-b: Device or resource busy");
    assertThat(ran).contains("netns delete pod-a");
  }
}
