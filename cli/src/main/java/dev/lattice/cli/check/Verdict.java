package dev.lattice.cli.check;

/** What a probe found. A skipped check prints nothing, as in Linkerd. */
public sealed interface Verdict {
  record Ok() implements Verdict {}

  /** @param message what is wrong; may span lines (continuation lines start with a tab, as Linkerd's do) */
  record Problem(String message) implements Verdict {}

  record Skipped(String reason) implements Verdict {}

  static Verdict ok() {
    return new Ok();
  }

  static Verdict problem(String message) {
    return new Problem(message);
  }

  static Verdict skipped(String reason) {
    return new Skipped(reason);
  }
}
