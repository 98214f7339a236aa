/**
 * {@code lattice validate}, {@code lattice authz} and {@code lattice authz explain}: offline checks of
 * inbound policy manifests and explanations of what the proxy would decide; they read files only and
 * must never contact a cluster or a proxy.
 */
package dev.lattice.cli.authz;
