/**
 * The proxy's workload identity: the key it generates and never writes anywhere, the certificate the
 * identity service issues for it, and the credentials the TLS layers read.
 */
package dev.lattice.proxy.identity;
