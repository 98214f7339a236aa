package dev.lattice.proxy.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * Reads the pre-NAT destination of a connection that iptables {@code REDIRECT}ed to the proxy, the
 * way Linkerd's proxy does: {@code getsockopt(fd, SOL_IP, SO_ORIGINAL_DST)} for IPv4 clients
 * (IPv4-mapped IPv6 clients included) and {@code getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST)} for
 * IPv6 clients.
 *
 * <p>Java has no API for either option, so this calls libc's {@code getsockopt} through the FFM API
 * ({@code java.lang.foreign}); no JNI library is built or shipped. The JVM must run with {@code
 * --enable-native-access=ALL-UNNAMED} (JDK 25 only warns without it; a future JDK is expected to
 * refuse). See docs/interception.md.
 *
 * <p>Only Netty epoll channels expose their file descriptor, so any other channel is reported as
 * {@link OrigDstUnavailable}. The call never blocks: the kernel answers from the conntrack entry.
 */
public final class SocketOriginalDestination implements OriginalDestination {
  /** {@code SOL_IP} / {@code IPPROTO_IP} from {@code <netinet/in.h>}. */
  static final int SOL_IP = 0;

  /** {@code SOL_IPV6} / {@code IPPROTO_IPV6} from {@code <netinet/in.h>}. */
  static final int SOL_IPV6 = 41;

  /** {@code SO_ORIGINAL_DST} ({@code <linux/netfilter_ipv4.h>}) and {@code IP6T_SO_ORIGINAL_DST}: both 80. */
  static final int SO_ORIGINAL_DST = 80;

  /** Creates the lookup; the native handles behind it are shared and created once per JVM. */
  public static SocketOriginalDestination create() {
    return new SocketOriginalDestination();
  }

  private SocketOriginalDestination() {}

  @Override
  public OrigDstAddr lookup(Channel accepted) {
    if (!(accepted instanceof EpollSocketChannel epoll)) {
      throw new OrigDstUnavailable(
          "SO_ORIGINAL_DST needs a Netty epoll socket channel; got "
              + (accepted == null ? "null" : accepted.getClass().getName()));
    }
    if (!epoll.isOpen()) {
      throw new OrigDstUnavailable("channel " + epoll.id().asShortText() + " is already closed");
    }
    return lookup(epoll.fd().intValue(), epoll.remoteAddress());
  }

  /**
   * Reads the original destination of socket {@code fd}; {@code client} selects the address family
   * as the proxy does. Package-private so the error paths can be tested with plain descriptors.
   */
  static OrigDstAddr lookup(int fd, SocketAddress client) {
    if (!(client instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      throw new OrigDstUnavailable("client address " + client + " is not an IP socket address");
    }
    try {
      return isIpv4(inet.getAddress()) ? Native.ipv4(fd) : Native.ipv6(fd);
    } catch (LinkageError e) {
      // The downcall could not be linked (not Linux/glibc, or native access denied): say so per call.
      throw new OrigDstUnavailable("native getsockopt is unavailable in this JVM: " + e, e);
    }
  }

  /** True for IPv4 and IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) clients: both carry IPv4 conntrack entries. */
  static boolean isIpv4(InetAddress address) {
    if (address instanceof Inet4Address) {
      return true;
    }
    byte[] b = address.getAddress();
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /**
   * The FFM binding, in a holder class so that loading {@link SocketOriginalDestination} never
   * touches native code: a proxy that only ever uses {@link OriginalDestination#localAddress()}
   * must start on any platform.
   */
  private static final class Native {
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle GETSOCKOPT = getsockopt();

    // struct sockaddr_in: family(2) port(2, big-endian) addr(4) zero(8).
    private static final int SOCKADDR_IN_SIZE = 16;
    // struct sockaddr_in6: family(2) port(2, big-endian) flowinfo(4) addr(16) scope_id(4).
    private static final int SOCKADDR_IN6_SIZE = 28;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(
        java.nio.ByteOrder.BIG_ENDIAN);

    static OrigDstAddr ipv4(int fd) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment sa = call(arena, fd, SOL_IP, SOCKADDR_IN_SIZE, "SOL_IP");
        checkFamily(sa, AF_INET, fd);
        byte[] addr = sa.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
        return new OrigDstAddr(new InetSocketAddress(inet(addr, 0), port(sa)));
      }
    }

    static OrigDstAddr ipv6(int fd) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment sa = call(arena, fd, SOL_IPV6, SOCKADDR_IN6_SIZE, "SOL_IPV6");
        checkFamily(sa, AF_INET6, fd);
        byte[] addr = sa.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
        int scope = sa.get(ValueLayout.JAVA_INT_UNALIGNED, 24);
        return new OrigDstAddr(new InetSocketAddress(inet(addr, scope), port(sa)));
      }
    }

    private static MemorySegment call(Arena arena, int fd, int level, int size, String levelName) {
      MemorySegment value = arena.allocate(size, 4);
      MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
      length.set(ValueLayout.JAVA_INT, 0, size);
      MemorySegment state = arena.allocate(CAPTURE);
      int rc;
      try {
        rc = (int) GETSOCKOPT.invokeExact(state, fd, level, SO_ORIGINAL_DST, value, length);
      } catch (Throwable t) {
        throw new OrigDstUnavailable(
            "getsockopt(fd " + fd + ", " + levelName + ", SO_ORIGINAL_DST) could not be called", t);
      }
      if (rc != 0) {
        int errno = (int) ERRNO.get(state, 0L);
        throw new OrigDstUnavailable("getsockopt(fd " + fd + ", " + levelName + ", SO_ORIGINAL_DST) failed: "
            + Errno.describe(errno) + Errno.hint(errno));
      }
      return value;
    }

    private static void checkFamily(MemorySegment sa, int expected, int fd) {
      int family = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
      if (family != expected) {
        throw new OrigDstUnavailable("getsockopt(fd " + fd + ", SO_ORIGINAL_DST) returned address family "
            + family + " (expected: " + expected + ")");
      }
    }

    private static int port(MemorySegment sa) {
      return Short.toUnsignedInt(sa.get(PORT, 2));
    }

    private static InetAddress inet(byte[] addr, int scope) {
      try {
        return addr.length == 16 && scope != 0
            ? Inet6Address.getByAddress(null, addr, scope)
            : InetAddress.getByAddress(addr);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("kernel returned a " + addr.length + "-byte address", e);
      }
    }

    // Restricted on purpose: linking libc is what this class is for (see the class comment).
    @SuppressWarnings("restricted")
    private static MethodHandle getsockopt() {
      Linker linker = Linker.nativeLinker();
      MemorySegment symbol = linker.defaultLookup().find("getsockopt")
          .orElseThrow(() -> new OrigDstUnavailable("libc has no getsockopt symbol on this platform"));
      // int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen)
      FunctionDescriptor signature = FunctionDescriptor.of(ValueLayout.JAVA_INT,
          ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
          ValueLayout.ADDRESS, ValueLayout.ADDRESS);
      return linker.downcallHandle(symbol, signature, Linker.Option.captureCallState("errno"));
    }
  }

  /** Linux errno values getsockopt can return here, by name: messages should say ENOENT, not 2. */
  static final class Errno {
    private Errno() {}

    static String describe(int errno) {
      return switch (errno) {
        case 1 -> "EPERM (operation not permitted)";
        case 2 -> "ENOENT (no such file or directory)";
        case 9 -> "EBADF (bad file descriptor)";
        case 14 -> "EFAULT (bad address)";
        case 22 -> "EINVAL (invalid argument)";
        case 88 -> "ENOTSOCK (not a socket)";
        case 92 -> "ENOPROTOOPT (protocol not available)";
        case 95 -> "EOPNOTSUPP (operation not supported)";
        case 97 -> "EAFNOSUPPORT (address family not supported)";
        default -> "errno " + errno;
      };
    }

    /** Why the common failures happen, so an operator knows what to fix. */
    static String hint(int errno) {
      return switch (errno) {
        case 2 -> ": no conntrack entry for this connection, so it was not redirected by iptables"
            + " (is proxy-init installed in this network namespace?)";
        case 92 -> ": the conntrack module for this address family is not loaded";
        default -> "";
      };
    }
  }
}
