package dev.lattice.proxy.http;

import io.netty.handler.codec.http2.Http2Headers;

/**
 * One HTTP/1 message head as {@link H1Parser} read it: already in the relay's HTTP/2 shape
 * (pseudo-headers, lower-case names, no connection-specific fields), with what the HTTP/1 wire said
 * about the connection beside it.
 *
 * @param headers the head; a request carries {@code :method}, {@code :scheme}, {@code :path} and
 *     {@code :authority} (from {@code Host} or an absolute-form target), a response {@code :status}
 * @param http10 whether the message said {@code HTTP/1.0}
 * @param status the response status, 0 for a request
 * @param keepAlive whether the sender lets the connection carry another message after this one
 * @param absoluteForm whether a request's target was absolute-form ({@code http://host/path})
 * @param expectContinue whether a request asked for {@code 100 Continue} before sending its body
 * @param upgrade a request's {@code Upgrade} value when its {@code Connection} lists {@code upgrade}
 *     (HTTP/1.1 only), a 101 response's protocol; otherwise {@code null}. Never among the headers.
 */
record H1Head(Http2Headers headers, boolean http10, int status, boolean keepAlive, boolean absoluteForm,
    boolean expectContinue, CharSequence upgrade) {

  /** An interim (1xx) response other than 101; a final response follows it. */
  boolean informational() {
    return status >= 100 && status < 200 && status != 101;
  }
}
