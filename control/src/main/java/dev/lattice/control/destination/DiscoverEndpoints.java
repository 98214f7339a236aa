package dev.lattice.control.destination;

import java.util.function.Consumer;

/** Looks up a service's endpoints and follows them. The gRPC layer knows only this. */
public interface DiscoverEndpoints {
  /**
   * Calls {@code listener} with the target's current view before returning, then with each new view.
   * Calls come one at a time and must return quickly.
   *
   * @throws UnknownServiceException no service by that name
   * @throws InvalidDestinationException the target is an IP that is no service's virtual IP
   */
  Subscription watch(Target target, Consumer<EndpointView> listener)
      throws UnknownServiceException, InvalidDestinationException;

  /** Stops the calls. Idempotent. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
