package dev.lattice.local.exec;

/** A command exited non-zero (or could not start); the message names the command and what it said. */
public final class CommandFailedException extends RuntimeException {
  private final transient CommandResult result;

  public CommandFailedException(CommandResult result) {
    super("command failed (exit " + result.exitCode() + "): " + String.join(" ", result.argv())
        + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
    this.result = result;
  }

  public CommandFailedException(String message, Throwable cause) {
    super(message, cause);
    this.result = null;
  }

  /** The failed command's result; null when the command could not be started at all. */
  public CommandResult result() {
    return result;
  }
}
