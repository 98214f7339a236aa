package dev.lattice.control.policy;

import dev.lattice.control.store.PolicyResource;
import java.util.List;

/** The admission check the store runs on every policy resource: spec §3, one problem per field. */
public final class PolicyValidation {
  private PolicyValidation() {}

  /** Every problem of {@code resource}; empty when it may be admitted. */
  public static List<Violation> problems(PolicyResource resource) {
    return PolicyDecoder.decode(resource).problems();
  }
}
