/**
 * {@code lattice up} and {@code lattice down}: builds a mesh's namespaces, rules, identity and store
 * records step by step, recording each step in the state directory, and removes exactly what was
 * recorded.
 *
 * <p>It must never configure the host's own network namespace: every link, address, route and rule
 * lives in a namespace the mesh created.
 */
package dev.lattice.local.up;
