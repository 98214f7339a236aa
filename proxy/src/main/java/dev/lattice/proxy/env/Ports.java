package dev.lattice.proxy.env;

/** Port numbers in addresses. */
final class Ports {
  private Ports() {}

  /** Parses 0-65535; callers that need a fixed port reject 0 themselves. */
  static int parse(String text) {
    if (!text.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("port '" + text + "' is not a number");
    }
    int port = Integer.parseInt(text);
    if (port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range (expected: 0-65535)");
    }
    return port;
  }
}
