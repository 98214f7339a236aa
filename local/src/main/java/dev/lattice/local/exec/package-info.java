/**
 * Runs system commands ({@code ip}, {@code iptables}) as child processes and reports their output.
 * Never goes through a shell: every argument is passed as one argv element, so nothing is ever
 * re-parsed or expanded.
 */
package dev.lattice.local.exec;
