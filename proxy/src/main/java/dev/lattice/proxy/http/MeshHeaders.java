package dev.lattice.proxy.http;

import dev.lattice.api.Headers;
import io.netty.util.AsciiString;

/**
 * Linkerd's {@code l5d-*} header names as {@link AsciiString}s with cached hashes: header blocks
 * hash every name they are asked about, and a {@link String} name is hashed anew on every call.
 */
public final class MeshHeaders {
  public static final AsciiString ORIG_PROTO = AsciiString.cached(Headers.ORIG_PROTO);
  public static final AsciiString CLIENT_ID = AsciiString.cached(Headers.CLIENT_ID);
  public static final AsciiString PROXY_ERROR = AsciiString.cached(Headers.PROXY_ERROR);
  public static final AsciiString PROXY_CONNECTION = AsciiString.cached(Headers.PROXY_CONNECTION);
  public static final AsciiString REQUIRE_ID = AsciiString.cached(Headers.REQUIRE_ID);

  private MeshHeaders() {}
}
