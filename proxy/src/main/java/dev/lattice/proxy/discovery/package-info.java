/**
 * Where a destination lives and how to reach it: meshed (behind a peer proxy with a known identity)
 * or not, opaque or not. Never does I/O on an event loop; implementations answer asynchronously.
 */
package dev.lattice.proxy.discovery;
