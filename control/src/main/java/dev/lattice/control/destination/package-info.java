/**
 * The destination service: an index of each service's endpoints fed from the {@link
 * dev.lattice.control.store.Store}, the identity and protocol hints for each endpoint, and the gRPC
 * {@code Destination.Get} stream proxies balance over. It never writes to the store and never blocks
 * a gRPC thread waiting for a change.
 */
package dev.lattice.control.destination;
