package dev.lattice.proxy.listen;

import dev.lattice.proxy.transport.OrigDstAddr;
import dev.lattice.proxy.transport.OriginalDestination;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Original destinations by listening port, for setups without iptables (benchmarks, tests): a
 * connection accepted on a mapped port is treated as if it had been redirected from the mapped
 * address; any other falls through to {@code fallback}.
 */
public record FixedOriginalDestination(Map<Integer, InetSocketAddress> byListenPort, OriginalDestination fallback)
    implements OriginalDestination {
  public FixedOriginalDestination {
    byListenPort = Map.copyOf(byListenPort);
  }

  @Override
  public OrigDstAddr lookup(io.netty.channel.Channel accepted) {
    InetSocketAddress local = (InetSocketAddress) accepted.localAddress();
    InetSocketAddress target = local == null ? null : byListenPort.get(local.getPort());
    return target != null ? new OrigDstAddr(target) : fallback.lookup(accepted);
  }
}
