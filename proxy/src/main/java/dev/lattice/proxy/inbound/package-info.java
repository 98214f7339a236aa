/**
 * The inbound stack: traffic from peers (and unmeshed clients) to this workload. Composes the
 * mechanism packages; holds no protocol mechanism of its own.
 */
package dev.lattice.proxy.inbound;
