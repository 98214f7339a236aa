package dev.lattice.demo.web;

import io.grpc.Status;

/** The ways a JSON API request fails; {@link JsonApi} turns each into an HTTP status in one place. */
sealed interface ApiError {
  /** The caller sent something unusable (HTTP 400). */
  record BadRequest(String message) implements ApiError {}

  /** An upstream gRPC call failed (HTTP 500); names the service so the page says which one. */
  record UpstreamFailed(String service, Status status) implements ApiError {}

  /** Carries an {@link ApiError} out of a handler. */
  final class Failure extends RuntimeException {
    private final ApiError error;

    Failure(ApiError error) {
      super(error.toString(), null, false, false);
      this.error = error;
    }

    ApiError error() {
      return error;
    }
  }
}
