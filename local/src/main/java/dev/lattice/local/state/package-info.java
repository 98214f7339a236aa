/**
 * The state directory of a local mesh: where each file lives, and the record of everything
 * {@code lattice up} created, so {@code lattice status} and {@code lattice down} work from a fresh
 * process.
 *
 * <p>It must never hold a workload's private key: proxies generate theirs and keep them in memory.
 */
package dev.lattice.local.state;
