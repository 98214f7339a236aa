/**
 * The proxy's logging: SLF4J's output with levels chosen by a Linkerd-style filter
 * ({@code LINKERD2_PROXY_LOG}, e.g. {@code warn,linkerd=info}) that {@code /proxy-log-level} can
 * change while the proxy runs.
 */
package dev.lattice.proxy.log;
