/**
 * HTTP proxying as a frame-level relay: HTTP/1.1 and HTTP/2 servers toward clients, multiplexed
 * HTTP/2 and pooled HTTP/1.1 upstreams, and one {@link dev.lattice.proxy.http.Exchange} per request
 * between them carrying HTTP/2-shaped heads and body buffers, with credit-based backpressure,
 * synthesized errors and request metrics. Bodies are never aggregated; never imports the inbound
 * or outbound stacks.
 */
package dev.lattice.proxy.http;
