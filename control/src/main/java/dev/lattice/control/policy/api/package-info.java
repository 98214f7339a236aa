/**
 * The inbound policy API ({@code io.linkerd.proxy.inbound.InboundServerPolicies}): each workload port's
 * effective policy from the {@link dev.lattice.control.policy.PolicyIndex}, encoded as Linkerd's
 * {@code Server} and pushed to watching proxies when it changes; it never blocks a gRPC thread and
 * never sends a policy wider than the index computed.
 */
package dev.lattice.control.policy.api;
