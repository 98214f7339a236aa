/**
 * Linkerd's inbound authorization model for one workload port, as plain records, and the {@link
 * dev.lattice.policy.Evaluator} that decides connections and requests against it; it must never do I/O
 * or know about Kubernetes resources, so the proxy can build it from the policy API alone.
 */
package dev.lattice.policy;
