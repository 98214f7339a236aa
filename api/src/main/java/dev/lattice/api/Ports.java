package dev.lattice.api;

/** Well-known ports, shared by the proxy, proxy-init rules, the injector and the control plane. */
public final class Ports {
  /** Inbound listener: every redirected inbound connection, and mTLS from peer proxies. */
  public static final int PROXY_INBOUND = 4143;
  /** Outbound listener: every connection the application opens, redirected by iptables. */
  public static final int PROXY_OUTBOUND = 4140;
  /** Admin listener: /metrics, /ready, /live, /shutdown. */
  public static final int PROXY_ADMIN = 4191;
  /** Tap listener. */
  public static final int PROXY_TAP = 4190;
  /** Identity service (Certify). */
  public static final int IDENTITY = 8080;
  /** Destination service (Get, GetProfile). */
  public static final int DESTINATION = 8086;
  /** Policy service (inbound and outbound policy watches). */
  public static final int POLICY = 8090;

  private Ports() {}
}
