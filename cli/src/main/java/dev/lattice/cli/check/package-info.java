/**
 * {@code lattice check}: health checks grouped in Linkerd's categories, run in order and rendered in
 * Linkerd's table, short and JSON formats. Checks only read; they must never change what they check.
 */
package dev.lattice.cli.check;
