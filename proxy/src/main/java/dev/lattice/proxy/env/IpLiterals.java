package dev.lattice.proxy.env;

import io.netty.util.NetUtil;

/** Recognises IP address literals without ever touching DNS. */
final class IpLiterals {
  private IpLiterals() {}

  static boolean isIpv4(String text) {
    return NetUtil.isValidIpV4Address(text);
  }

  static boolean isIpv6(String text) {
    return NetUtil.isValidIpV6Address(text);
  }
}
