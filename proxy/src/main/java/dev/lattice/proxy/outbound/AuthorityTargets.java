package dev.lattice.proxy.outbound;

import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.metrics.Labels;
import io.netty.util.AsciiString;

/**
 * One outbound connection's request series by {@code authority} label (Linkerd labels outbound
 * requests with the request's {@code :authority} / {@code Host}). A handful of authorities is
 * remembered per connection so a request costs a short scan, not a label set and a map lookup.
 *
 * <p>Cardinality stays bounded: after {@link #MAX_AUTHORITIES} distinct authorities on one
 * connection, after {@link HttpMetrics#MAX_REQUEST_LABELLED_TARGETS} label sets with an authority
 * in the whole proxy, and for any authority longer than {@link #MAX_AUTHORITY_LENGTH}, requests
 * count without the label. Not thread-safe: a connection's requests are all handled on its event loop.
 * The series are held until {@link #release}, when the connection closes.
 */
final class AuthorityTargets {
  /** Distinct authorities labelled per connection; more fall back to no label. */
  static final int MAX_AUTHORITIES = 8;
  /** Longer values are not a sensible series name (and would bloat every scrape). */
  static final int MAX_AUTHORITY_LENGTH = 255;

  private final HttpMetrics metrics;
  private final Labels direction;
  private final Labels rest;
  private final HttpMetrics.Target withoutAuthority;
  // AsciiString: heads carry AsciiString values, and comparing two of those is an array compare.
  private final AsciiString[] authorities = new AsciiString[MAX_AUTHORITIES];
  private final HttpMetrics.Target[] targets = new HttpMetrics.Target[MAX_AUTHORITIES];
  private int size;
  private int last = -1;

  /**
   * @param direction the labels that come before {@code authority} (Linkerd: {@code direction})
   * @param rest target, TLS and {@code dst_*} labels, after {@code authority}
   */
  AuthorityTargets(HttpMetrics metrics, Labels direction, Labels rest) {
    this.metrics = metrics;
    this.direction = direction;
    this.rest = rest;
    this.withoutAuthority = metrics.acquire(direction.and(rest));
  }

  /** Lets go of every series this connection held: call once, when it closes. */
  void release() {
    for (int i = 0; i < size; i++) {
      if (targets[i] != withoutAuthority) {
        metrics.release(targets[i]);
      }
    }
    metrics.release(withoutAuthority);
    size = 0;
    last = -1;
  }

  /** The series for requests without a usable authority. */
  HttpMetrics.Target withoutAuthority() {
    return withoutAuthority;
  }

  /** The series for a request to {@code authority} ({@code null} or empty: none). */
  HttpMetrics.Target forAuthority(CharSequence authority) {
    if (authority == null || authority.isEmpty() || authority.length() > MAX_AUTHORITY_LENGTH) {
      return withoutAuthority;
    }
    // Keep-alive connections usually talk to one host: check the last hit first.
    if (last >= 0 && authorities[last].contentEquals(authority)) {
      return targets[last];
    }
    for (int i = 0; i < size; i++) {
      if (authorities[i].contentEquals(authority)) {
        last = i;
        return targets[i];
      }
    }
    if (size == MAX_AUTHORITIES) {
      return withoutAuthority;
    }
    String value = authority.toString();
    HttpMetrics.Target labelled = metrics.acquireRequestLabelled(direction.and("authority", value).and(rest));
    authorities[size] = new AsciiString(value);
    targets[size] = labelled != null ? labelled : withoutAuthority;
    last = size++;
    return targets[last];
  }
}
