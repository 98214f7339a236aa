/** The emoji workload: a fixed catalogue of emoji served over gRPC; it must never keep per-request state. */
package dev.lattice.demo.emoji;
