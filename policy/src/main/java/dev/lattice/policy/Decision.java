package dev.lattice.policy;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one connection or request: allowed or not, whether audit admitted it, which server,
 * route and authorization decided, the response the proxy sends, why, and the smallest change that
 * would allow it. {@code route} is null for connection-level decisions and when no route matched;
 * {@code authorization} is null unless allowed.
 *
 * @param attempts every authorization tried, in order, and why it did or did not admit the client;
 *     filled by {@link Evaluator#explain}, empty from {@link Evaluator#decide}
 */
public record Decision(
    Outcome outcome,
    Level level,
    boolean audit,
    Meta server,
    Meta route,
    Meta authorization,
    Response response,
    String reason,
    String suggestion,
    List<Attempt> attempts) {

  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(reason, "reason");
    suggestion = suggestion == null ? "" : suggestion;
    attempts = List.copyOf(attempts);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }

  /**
   * Allowed, denied by authorization (403 / PERMISSION_DENIED / close), no route (404 / NOT_FOUND), or
   * refused because the port's policy is invalid (500 / INTERNAL / close; spec §2.2): the proxy builds
   * that last one itself, the evaluator never returns it.
   */
  public enum Outcome {
    ALLOWED,
    UNAUTHORIZED,
    NO_ROUTE,
    INVALID_POLICY
  }

  /** Whether the decision was made once for a connection or for one HTTP request. */
  public enum Level {
    CONNECTION,
    REQUEST
  }

  /** What the proxy does about it (spec §2.2). */
  public enum Response {
    FORWARD("forwarded to the application"),
    HTTP_403("HTTP 403, empty body"),
    HTTP_404("HTTP 404, empty body"),
    GRPC_PERMISSION_DENIED("HTTP 200, grpc-status 7 (PERMISSION_DENIED)"),
    GRPC_NOT_FOUND("HTTP 200, grpc-status 5 (NOT_FOUND)"),
    CLOSE("connection closed without forwarding a byte"),
    HTTP_500("HTTP 500, connection: close on HTTP/1.1 (invalid server policy)"),
    GRPC_INTERNAL("HTTP 200, grpc-status 13 (INTERNAL) (invalid server policy)");

    private final String description;

    Response(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /** One authorization tried, and {@code why} it admitted the client or not. */
  public record Attempt(Meta authorization, Scope scope, boolean admitted, String why) {}

  /** Where a tried authorization came from. */
  public enum Scope {
    ROUTE,
    SERVER,
    BUILT_IN;

    public String label() {
      return switch (this) {
        case ROUTE -> "route-level";
        case SERVER -> "server-level";
        case BUILT_IN -> "built-in";
      };
    }
  }
}
