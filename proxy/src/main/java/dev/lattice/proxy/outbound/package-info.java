/**
 * The outbound stack: traffic from this workload to its destinations. Composes discovery,
 * detection, HTTP and TCP mechanisms and decides which applies; it must never hold a relay or codec
 * of its own.
 */
package dev.lattice.proxy.outbound;
