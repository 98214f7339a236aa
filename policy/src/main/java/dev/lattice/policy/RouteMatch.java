package dev.lattice.policy;

import java.util.List;

/** One match of a rule; every field it sets must hold. */
public sealed interface RouteMatch {
  /** An HTTPRoute match. {@code method} is null when any method matches. */
  record Http(PathMatch path, List<HeaderMatch> headers, List<QueryParamMatch> queryParams, String method)
      implements RouteMatch {
    public Http {
      path = path == null ? PathMatch.ANY : path;
      headers = List.copyOf(headers);
      queryParams = List.copyOf(queryParams);
    }

    public static Http path(PathMatch path) {
      return new Http(path, List.of(), List.of(), null);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(method == null ? "" : method + " ").append(path);
      headers.forEach(h -> s.append(" [").append(h).append(']'));
      queryParams.forEach(q -> s.append(" ?").append(q));
      return s.toString();
    }
  }

  /**
   * A GRPCRoute match: the request must be {@code POST /<service>/<method>}; {@code service} and
   * {@code method} are compared exactly when non-null.
   */
  record Grpc(String service, String method, List<HeaderMatch> headers) implements RouteMatch {
    public Grpc {
      headers = List.copyOf(headers);
    }

    @Override
    public String toString() {
      return "gRPC " + (service == null ? "*" : service) + "/" + (method == null ? "*" : method);
    }
  }
}
