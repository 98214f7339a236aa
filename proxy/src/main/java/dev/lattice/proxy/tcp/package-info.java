/**
 * TCP mechanism: opening upstream connections (plain or mesh mTLS plus the transport header),
 * splicing bytes with backpressure, and the TCP metric families. Never imports the stacks.
 */
package dev.lattice.proxy.tcp;
