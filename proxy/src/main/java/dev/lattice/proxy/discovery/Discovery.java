package dev.lattice.proxy.discovery;

import dev.lattice.proxy.transport.OrigDstAddr;
import java.util.concurrent.CompletionStage;

/**
 * Resolves a destination address to an {@link Endpoint}. The static file implementation answers at
 * once; the control plane's destination service will answer from a watch. An address nobody knows
 * resolves to {@link Endpoint#unmeshed}, never to an error.
 */
@FunctionalInterface
public interface Discovery {
  CompletionStage<Endpoint> resolve(OrigDstAddr target);
}
