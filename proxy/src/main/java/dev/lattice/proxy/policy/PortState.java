package dev.lattice.proxy.policy;

import dev.lattice.policy.Decision;
import dev.lattice.policy.Evaluator;
import dev.lattice.policy.PortPolicy;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.Route;
import java.util.List;
import java.util.Objects;

/**
 * What one port enforces now, and why: the policy, its evaluator (built once per update), and where it
 * came from. An {@link Source#INVALID} state carries the problem; its {@code policy} only names it
 * ({@code default:invalid}) for logs and metrics: every request gets 500, every connection is closed.
 */
public record PortState(int port, Source source, PortPolicy policy, Evaluator evaluator, String problem) {
  /** Where a port's policy came from. */
  public enum Source {
    /** The policy service has not answered yet: the pending policy (deny, unless configured otherwise). */
    PENDING,
    /** No policy service is configured: the start-time default from the environment. */
    START_DEFAULT,
    /** The policy service's latest answer. */
    SERVICE,
    /** The service's latest answer could not be used (spec §2.5): everything is refused. */
    INVALID
  }

  public PortState {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(evaluator, "evaluator");
    problem = problem == null ? "" : problem;
  }

  static PortState of(int port, Source source, PortPolicy policy) {
    return new PortState(port, source, policy, Evaluator.of(policy), "");
  }

  static PortState invalid(int port, String problem) {
    PortPolicy named = new PortPolicy(ProtoPolicies.INVALID_SERVER, ProxyProtocol.DETECT, List.of(),
        List.of(Route.defaultRoute()));
    return new PortState(port, Source.INVALID, named, Evaluator.of(named), problem);
  }

  public boolean isInvalid() {
    return source == Source.INVALID;
  }

  /** Same policy from the same kind of source: listeners need not hear about it. */
  boolean sameAs(PortState other) {
    return other != null && source == other.source && policy.equals(other.policy) && problem.equals(other.problem);
  }

  /** The refusal every request or connection gets while this state is invalid. */
  Decision invalidDecision(Decision.Level level, boolean grpc) {
    Decision.Response response = level == Decision.Level.CONNECTION ? Decision.Response.CLOSE
        : grpc ? Decision.Response.GRPC_INTERNAL : Decision.Response.HTTP_500;
    return new Decision(Decision.Outcome.INVALID_POLICY, level, false, policy.server(),
        level == Decision.Level.REQUEST ? Route.DEFAULT : null, null, response,
        "invalid server policy: invalid server configuration: " + problem, "", List.of());
  }
}
