/**
 * JMH benchmarks of Lattice's own hot paths (run with {@code org.openjdk.jmh.Main}; see docs).
 *
 * <p>Benchmarks only measure: they are never run as tests, never open non-loopback sockets and never
 * touch files outside a temporary directory they create and delete.
 */
package dev.lattice.bench;
