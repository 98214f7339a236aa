/**
 * Reads the proxy's {@code LINKERD2_PROXY_*} environment into typed values, collecting every bad
 * variable before failing so an operator fixes them all in one go; it never reads
 * {@link System#getenv()} itself (callers pass a map, so tests need no real environment).
 */
package dev.lattice.proxy.env;
