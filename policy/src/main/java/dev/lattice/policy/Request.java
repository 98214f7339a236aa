package dev.lattice.policy;

import java.util.List;
import java.util.Objects;

/**
 * One HTTP request as routing reads it. {@code path} has no query; {@code query} is the raw text after
 * {@code ?} ({@code ""} if none); {@code authority} is the Host or {@code :authority} ({@code ""} if
 * none).
 */
public record Request(String method, String authority, String path, String query, Headers headers) {
  public Request {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(headers, "headers");
  }

  /** {@code method} to {@code pathAndQuery}, e.g. {@code GET /export?format=csv}. */
  public static Request of(String method, String pathAndQuery, Headers headers) {
    int q = pathAndQuery.indexOf('?');
    return new Request(method, "", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
        q < 0 ? "" : pathAndQuery.substring(q + 1), headers);
  }

  public static Request of(String method, String pathAndQuery) {
    return of(method, pathAndQuery, Headers.NONE);
  }

  /** A unary gRPC call: {@code POST /service/method} with {@code content-type: application/grpc}. */
  public static Request grpc(String service, String method) {
    return of("POST", "/" + service + "/" + method, Headers.of("content-type", "application/grpc"));
  }

  /** Whether the proxy answers this request gRPC-style (content-type {@code application/grpc…}). */
  public boolean isGrpc() {
    List<String> types = headers.all("content-type");
    return !types.isEmpty() && types.getFirst().startsWith("application/grpc");
  }

  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : "?" + query);
  }
}
