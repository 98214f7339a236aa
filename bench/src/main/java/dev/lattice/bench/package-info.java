/** JMH benchmarks of hot paths; they measure and print, and must never be run as tests or touch the network. */
package dev.lattice.bench;
