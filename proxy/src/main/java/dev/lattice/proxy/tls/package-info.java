/**
 * Mesh TLS: contexts built from the workload's credentials, peer verification against the trust
 * anchors with exact identity match. Never logs or writes private keys.
 */
package dev.lattice.proxy.tls;
