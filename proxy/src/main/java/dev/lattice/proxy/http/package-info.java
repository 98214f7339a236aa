/**
 * HTTP proxying: HTTP/1.1 and HTTP/2 servers toward clients, multiplexed HTTP/2 and pooled HTTP/1.1
 * upstreams, one streaming relay between them, synthesized errors and request metrics. Bodies are
 * never aggregated; never imports the inbound or outbound stacks.
 */
package dev.lattice.proxy.http;
