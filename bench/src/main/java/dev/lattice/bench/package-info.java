/**
 * JMH benchmarks of Lattice's own code paths (run with {@code org.openjdk.jmh.Main}; see docs).
 *
 * <p>Benchmarks only measure: they never open non-loopback sockets and never touch files outside a
 * temporary directory they create and delete.
 */
package dev.lattice.bench;
