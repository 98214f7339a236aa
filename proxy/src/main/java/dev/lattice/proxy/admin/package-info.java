/**
 * The admin listener (port 4191): {@code /metrics}, {@code /ready}, {@code /live}, {@code /shutdown}
 * and {@code /env.json} over HTTP/1.1 on its own single event-loop thread, so a slow scrape never
 * delays proxied traffic; it must never serve anything that changes the proxy except the loopback-only
 * {@code /shutdown}.
 */
package dev.lattice.proxy.admin;
