/**
 * Wire contracts shared by processes that never share code: ports, proxy environment variable names,
 * {@code l5d-*} header names and the generated gRPC stubs. Nothing here has behaviour.
 */
package dev.lattice.api;
