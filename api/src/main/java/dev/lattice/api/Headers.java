package dev.lattice.api;

/** The {@code l5d-*} HTTP headers proxies exchange with each other and with applications. */
public final class Headers {
  /** Original HTTP/1 version of a request carried as HTTP/2 between proxies. Never reaches an app. */
  public static final String ORIG_PROTO = "l5d-orig-proto";
  /** The authenticated mTLS identity of the client, set by the inbound proxy toward its app. */
  public static final String CLIENT_ID = "l5d-client-id";
  /** Why the proxy synthesized this response. */
  public static final String PROXY_ERROR = "l5d-proxy-error";
  /** Inbound tells a meshed client proxy to close the app's connection after this response. */
  public static final String PROXY_CONNECTION = "l5d-proxy-connection";
  /** The app asks its outbound proxy to insist on this server identity. */
  public static final String REQUIRE_ID = "l5d-require-id";

  private Headers() {}
}
