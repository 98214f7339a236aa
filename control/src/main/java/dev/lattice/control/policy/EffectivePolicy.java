package dev.lattice.control.policy;

import dev.lattice.control.store.Workload;
import dev.lattice.policy.PortPolicy;
import java.util.List;

/**
 * A workload port's effective policy, with how it came about: the governing Server (absent for a
 * default server), where the default came from, and notes such as a Server that lost on overlap.
 */
public record EffectivePolicy(Workload workload, int port, PortPolicy policy, PolicyObject.Server server,
    String defaultSource, List<String> notes) {
  public EffectivePolicy {
    notes = List.copyOf(notes);
  }
}
