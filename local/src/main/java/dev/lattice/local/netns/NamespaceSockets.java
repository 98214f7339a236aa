package dev.lattice.local.netns;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Opens TCP sockets inside a named network namespace from a process that runs in another one, so the
 * host-side port-forward and readiness probes reach workload addresses without any link, address or
 * route in the host's namespace.
 *
 * <p>A socket belongs to the namespace of the thread that created it. One dedicated platform thread
 * enters the target namespace with {@code setns(2)} (through the FFM API), creates the socket, and
 * returns to its original namespace before doing anything else; the socket is then used from any
 * thread. Needs root (CAP_SYS_ADMIN) and {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class NamespaceSockets implements AutoCloseable {
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY_CLOEXEC = 0x80000;
  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle OPEN = downcall("open",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle SETNS = downcall("setns",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE = downcall("close",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("lattice-netns-sockets").factory());
  private int homeFd = -1;
  private volatile boolean broken;

  /** An unconnected, blocking socket channel that lives in {@code ns}. */
  public SocketChannel open(NetworkNamespace ns) throws IOException {
    return create(ns, SocketChannel::open);
  }

  /** An unbound server socket channel that lives in {@code ns} (e.g. to listen on its loopback). */
  public ServerSocketChannel openServer(NetworkNamespace ns) throws IOException {
    return create(ns, ServerSocketChannel::open);
  }

  private <T> T create(NetworkNamespace ns, Opener<T> opener) throws IOException {
    if (broken) {
      throw new IOException("namespace switching failed earlier; this opener is unusable");
    }
    Future<T> result = thread.submit(() -> inNamespace(ns, opener));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening a socket in " + ns, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot open a socket in " + ns + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** A socket in {@code ns} connected to {@code target}, or an IOException after {@code timeoutMillis}. */
  public SocketChannel connect(NetworkNamespace ns, InetSocketAddress target, int timeoutMillis) throws IOException {
    SocketChannel channel = open(ns);
    try {
      channel.socket().connect(target, timeoutMillis);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private <T> T inNamespace(NetworkNamespace ns, Opener<T> opener) throws IOException {
    if (homeFd < 0) {
      homeFd = openFd("/proc/thread-self/ns/net");
    }
    int target = openFd("/run/netns/" + ns.name());
    try {
      setns(target, ns.name());
      try {
        return opener.open();
      } finally {
        try {
          setns(homeFd, "the original namespace");
        } catch (IOException e) {
          // Never hand out a socket from a thread stuck in the wrong namespace.
          broken = true;
          throw e;
        }
      }
    } finally {
      closeFd(target);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  @FunctionalInterface
  private interface Opener<T> {
    T open() throws IOException;
  }

  private static int openFd(String path) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY_CLOEXEC);
      if (fd < 0) {
        throw new IOException("open " + path + " failed: errno " + (int) ERRNO.get(state, 0L)
            + (path.startsWith("/run/netns/") ? " (does the network namespace exist?)" : ""));
      }
      return fd;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("open " + path + ": " + t, t);
    }
  }

  private static void setns(int fd, String what) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
      if (rc != 0) {
        int errno = (int) ERRNO.get(state, 0L);
        throw new IOException("setns into " + what + " failed: errno " + errno
            + (errno == 1 ? " (EPERM: needs root)" : ""));
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("setns: " + t, t);
    }
  }

  private static void closeFd(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
    } catch (Throwable t) {
      // Nothing useful to do: the descriptor is gone with the process at the latest.
    }
  }

  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name)),
        descriptor, Linker.Option.captureCallState("errno"));
  }
}
