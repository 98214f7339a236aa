/**
 * The voting workload: in-memory vote counts served over gRPC; it must never persist votes or trust that a
 * shortcode names a real emoji (the web workload checks that).
 */
package dev.lattice.demo.voting;
