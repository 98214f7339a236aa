package dev.lattice.local.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.local.exec.CommandResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchNamespacesTest {
  @Test
  void uniqueNamesCarryTheOwnerPid() {
    NetworkNamespace ns = ScratchNamespaces.unique("lt-test");

    assertThat(ns.name()).matches("lt-test-\\d+-[0-9a-f]{6}");
    assertThat(ScratchNamespaces.ownerPid("lt-test", ns.name())).hasValue(ProcessHandle.current().pid());
    assertThat(ScratchNamespaces.unique("lt-test")).isNotEqualTo(ns);
  }

  @Test
  void namesOfOtherShapesHaveNoOwner() {
    assertThat(ScratchNamespaces.ownerPid("lt-test", "lt-other-1-abcdef")).isEmpty();
    assertThat(ScratchNamespaces.ownerPid("lt-test", "lt-test-abc-abcdef")).isEmpty();
    assertThat(ScratchNamespaces.ownerPid("lt-test", "lt-test-12")).isEmpty();
  }

  @Test
  void reapsOnlyNamespacesWhoseOwnerIsDead() {
    long me = ProcessHandle.current().pid();
    long dead = Long.MAX_VALUE / 2; // no such pid on Linux (pid_max is at most 2^22)
    List<String> deleted = new ArrayList<>();
    String listing = "lt-test-" + me + "-aaaaaa (id: 1)\nlt-test-" + dead + "-bbbbbb\nsomebody-else\n";

    List<NetworkNamespace> reaped = ScratchNamespaces.reapStale(argv -> {
      if (argv.contains("delete")) {
        deleted.add(argv.getLast());
      }
      return CommandResult.ok(argv, argv.contains("list") ? listing : "");
    }, "lt-test");

    assertThat(reaped).extracting(NetworkNamespace::name).containsExactly("lt-test-" + dead + "-bbbbbb");
    assertThat(deleted).containsExactly("lt-test-" + dead + "-bbbbbb");
  }
}
