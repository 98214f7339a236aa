/**
 * The Lattice proxy: one per workload. Packages are features ({@code identity}, {@code admin},
 * {@code metrics}, ...); the inbound and outbound stacks compose them.
 */
package dev.lattice.proxy;
