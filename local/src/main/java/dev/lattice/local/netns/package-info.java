/**
 * Builds small virtual networks out of Linux network namespaces, veth pairs, bridges and dummy links
 * with {@code ip(8)}, recording everything it creates so it can be removed exactly.
 *
 * <p>It must never configure the host's own (initial) network namespace: links are created directly
 * inside namespaces this package made, so nothing is ever routed to the machine's real interfaces.
 */
package dev.lattice.local.netns;
