/**
 * What every demo workload shares: reading its environment, and a running workload's lifecycle; it must
 * never hold workload-specific logic.
 */
package dev.lattice.demo.runtime;
