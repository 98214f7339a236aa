package dev.lattice.local.netns;

import java.util.List;

/** One thing a {@link NetworkPlan} created, and the single command that removes it. */
public sealed interface Created {
  /** The {@code ip} command that removes this and everything it owns. */
  List<String> removal();

  /** A namespace; deleting it also destroys every link and address inside it. */
  record Namespace(NetworkNamespace namespace) implements Created {
    @Override
    public List<String> removal() {
      return IpCommands.deleteNamespace(namespace);
    }
  }

  /**
   * A link (veth pair, bridge, dummy) living in {@code namespace}. A veth pair is recorded once, by
   * the end it was created from: deleting either end destroys both.
   */
  record Link(NetworkNamespace namespace, String name, String kind) implements Created {
    @Override
    public List<String> removal() {
      return IpCommands.deleteLink(namespace, name);
    }
  }
}
