/**
 * Event loops, listening sockets and graceful drain. Knows nothing about what flows over a
 * connection; never blocks an event loop (only {@link dev.lattice.proxy.listen.Drain#drain} waits,
 * from the shutdown thread).
 */
package dev.lattice.proxy.listen;
