/**
 * The outbound stack: traffic from this workload to its destinations. Composes discovery,
 * detection, HTTP and TCP mechanisms; holds no protocol mechanism of its own.
 */
package dev.lattice.proxy.outbound;
