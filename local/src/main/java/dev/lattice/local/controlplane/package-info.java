/**
 * The local mesh's control plane as one process: the identity and destination services over the
 * state directory's store, trust anchor, issuer and tokens.
 *
 * <p>It must never read a workload's private key; it only signs the CSRs proxies send.
 */
package dev.lattice.local.controlplane;
