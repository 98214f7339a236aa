package dev.lattice.proxy.transport;

import io.netty.channel.Channel;

/**
 * Recovers where an accepted connection was originally headed. Production reads
 * {@code SO_ORIGINAL_DST} from the socket; tests without iptables use the accepted socket's local
 * address (the connection was made straight to the proxy).
 */
@FunctionalInterface
public interface OriginalDestination {
  /** The original destination of {@code accepted}; throws {@link OrigDstUnavailable} saying why not. */
  OrigDstAddr lookup(Channel accepted);

  /** The accepted socket's own local address: for connections that were not redirected. */
  static OriginalDestination localAddress() {
    return accepted -> new OrigDstAddr((java.net.InetSocketAddress) accepted.localAddress());
  }

  /** Why the original destination could not be read (not a redirected socket, unsupported family…). */
  final class OrigDstUnavailable extends RuntimeException {
    public OrigDstUnavailable(String message) {
      super(message);
    }

    public OrigDstUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
