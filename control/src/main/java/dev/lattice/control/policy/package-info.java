/**
 * Inbound policy resources (Server, ServerAuthorization, AuthorizationPolicy, MeshTLSAuthentication,
 * NetworkAuthentication, HTTPRoute, GRPCRoute) as typed, validated records, and the {@link
 * dev.lattice.control.policy.PolicyIndex} that computes each workload port's effective {@link
 * dev.lattice.policy.PortPolicy}; it must never widen access for a resource it cannot fully resolve.
 */
package dev.lattice.control.policy;
