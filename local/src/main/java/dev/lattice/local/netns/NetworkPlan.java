package dev.lattice.local.netns;

import dev.lattice.local.exec.CommandFailedException;
import dev.lattice.local.exec.CommandRunner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Creates namespaces and links one step at a time and records each thing it created, so that
 * {@link #close()} removes exactly those, newest first, and nothing else.
 *
 * <p>A step is recorded only after its command succeeded, so a half-built network is still torn
 * down completely. Not thread-safe: one plan is built by one thread.
 */
public final class NetworkPlan implements AutoCloseable {
  private final CommandRunner runner;
  private final List<Created> created = new ArrayList<>();

  private NetworkPlan(CommandRunner runner) {
    this.runner = runner;
  }

  /** An empty plan that runs its {@code ip} commands through {@code runner}. */
  public static NetworkPlan using(CommandRunner runner) {
    return new NetworkPlan(runner);
  }

  /** Creates namespace {@code ns} and brings its loopback up (a fresh namespace has {@code lo} down). */
  public NetworkNamespace namespace(NetworkNamespace ns) {
    runner.runChecked(IpCommands.addNamespace(ns));
    created.add(new Created.Namespace(ns));
    runner.runChecked(IpCommands.linkUp(ns, "lo"));
    return ns;
  }

  /** A veth pair with end {@code name} in {@code ns} and end {@code peerName} in {@code peerNs}, both up. */
  public void vethPair(NetworkNamespace ns, String name, NetworkNamespace peerNs, String peerName) {
    runner.runChecked(IpCommands.addVethPair(ns, name, peerNs, peerName));
    created.add(new Created.Link(ns, name, "veth"));
    runner.runChecked(IpCommands.linkUp(ns, name));
    runner.runChecked(IpCommands.linkUp(peerNs, peerName));
  }

  /** A bridge in {@code ns}, up. */
  public void bridge(NetworkNamespace ns, String name) {
    runner.runChecked(IpCommands.addBridge(ns, name));
    created.add(new Created.Link(ns, name, "bridge"));
    runner.runChecked(IpCommands.linkUp(ns, name));
  }

  /** A dummy link in {@code ns}, up: a place to hang addresses and routes that lead nowhere. */
  public void dummy(NetworkNamespace ns, String name) {
    runner.runChecked(IpCommands.addDummy(ns, name));
    created.add(new Created.Link(ns, name, "dummy"));
    runner.runChecked(IpCommands.linkUp(ns, name));
  }

  /** Plugs {@code link} into {@code bridge}; both live in {@code ns}. */
  public void attach(NetworkNamespace ns, String link, String bridge) {
    runner.runChecked(IpCommands.setMaster(ns, link, bridge));
  }

  /** Assigns {@code cidr} to {@code link}; removed with the link, so not recorded separately. */
  public void address(NetworkNamespace ns, String link, Cidr cidr) {
    runner.runChecked(IpCommands.addAddress(ns, link, cidr));
  }

  /** Routes {@code destination} out of {@code link}; removed with the link. */
  public void route(NetworkNamespace ns, Cidr destination, String link) {
    runner.runChecked(IpCommands.addRoute(ns, destination, link));
  }

  /** Runs {@code argv} inside {@code ns} and fails if it exits non-zero. */
  public String exec(NetworkNamespace ns, List<String> argv) {
    return runner.runChecked(ns.exec(argv)).stdout();
  }

  /** What this plan created so far, oldest first. */
  public List<Created> created() {
    return List.copyOf(created);
  }

  /**
   * Removes everything created, newest first. A removal that fails while its target still exists is
   * reported (all of them, in one exception) after every other removal has been tried.
   */
  @Override
  public void close() {
    List<Created> newestFirst = new ArrayList<>(created);
    Collections.reverse(newestFirst);
    List<String> failures = new ArrayList<>();
    for (Created c : newestFirst) {
      var result = runner.run(c.removal());
      if (!result.succeeded() && stillExists(c)) {
        failures.add(String.join(" ", c.removal()) + ": " + result.stderr().strip());
      }
    }
    created.clear();
    if (!failures.isEmpty()) {
      throw new CommandFailedException("could not remove: " + String.join("; ", failures), null);
    }
  }

  // A link whose namespace is gone, or a veth removed with its peer, is already removed: not an error.
  private boolean stillExists(Created c) {
    List<String> namespaces = ScratchNamespaces.list(runner).stream().map(NetworkNamespace::name).toList();
    return switch (c) {
      case Created.Namespace n -> namespaces.contains(n.namespace().name());
      case Created.Link l -> namespaces.contains(l.namespace().name())
          && runner.run(List.of(IpCommands.IP, "-n", l.namespace().name(), "link", "show", l.name())).succeeded();
    };
  }
}
