/**
 * Protocol detection: peek at a connection's first bytes (TLS ClientHello and SNI, HTTP/2 preface,
 * HTTP/1 request line) with a timeout, then hand every byte to the next stage. Never consumes bytes
 * it does not own; never imports the inbound or outbound stacks.
 */
package dev.lattice.proxy.detect;
