package dev.lattice.control.identity.issuer;

/** What one reload attempt did. */
public sealed interface ReloadResult {
  /** The files held a new, valid issuer, which is now in service. */
  record Updated(Issuer issuer) implements ReloadResult {}

  /** The files are what was last tried (valid or not): nothing to do, no event. */
  record Unchanged() implements ReloadResult {}

  /** The files changed but do not hold a usable issuer; the previous issuer stays in service. */
  record Skipped(String reason) implements ReloadResult {}
}
