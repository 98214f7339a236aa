/**
 * Inbound policy in the proxy: watches each port's policy on the policy service, decodes it into the
 * {@link dev.lattice.policy} model, counts and logs decisions, and offers the inbound stack one
 * {@link dev.lattice.proxy.policy.InboundAuthorizer}; it must never admit traffic on a port whose policy
 * it cannot read (an undecodable policy refuses everything, a missing one denies).
 */
package dev.lattice.proxy.policy;
