package dev.lattice.proxy.tcp;

import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Gauge;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Linkerd's legacy TCP families: {@code tcp_open_total}, {@code tcp_close_total},
 * {@code tcp_open_connections}, {@code tcp_read_bytes_total}, {@code tcp_write_bytes_total}.
 * A connection resolves its {@link Series} once, when its labels are known.
 */
public final class TcpMetrics {
  private final Family<Counter> openTotal;
  private final Family<Counter> closeTotal;
  private final Family<Gauge> openConnections;
  private final Family<Counter> readBytes;
  private final Family<Counter> writeBytes;
  private final Map<Labels, Series> cache = new ConcurrentHashMap<>();

  public TcpMetrics(MetricsRegistry registry) {
    openTotal = registry.counter("tcp_open_total", "Total count of opened connections");
    closeTotal = registry.counter("tcp_close_total", "Total count of closed connections");
    openConnections = registry.gauge("tcp_open_connections", "Number of currently-open connections");
    readBytes = registry.counter("tcp_read_bytes_total", "Total count of bytes read from peers");
    writeBytes = registry.counter("tcp_write_bytes_total", "Total count of bytes written to peers");
  }

  /** The children for one label set ({@code direction}, {@code peer}, target, TLS…). */
  public record Series(Counter open, Counter close, Gauge openNow, Counter read, Counter write) {}

  public Series series(Labels labels) {
    Series s = cache.get(labels);
    return s != null ? s : cache.computeIfAbsent(labels, l -> new Series(
        openTotal.labels(l), closeTotal.labels(l.and("errno", "")), openConnections.labels(l),
        readBytes.labels(l), writeBytes.labels(l)));
  }
}
