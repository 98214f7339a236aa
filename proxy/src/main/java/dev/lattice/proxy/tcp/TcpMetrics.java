package dev.lattice.proxy.tcp;

import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Family;
import dev.lattice.proxy.metrics.Gauge;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.RetainedSeries;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Linkerd's legacy TCP families: {@code tcp_open_total}, {@code tcp_close_total},
 * {@code tcp_open_connections}, {@code tcp_read_bytes_total}, {@code tcp_write_bytes_total}.
 * A connection acquires its {@link Series} once, when its labels are known, and releases it when
 * it closes; series nobody has held for {@code retainIdle} are dropped.
 */
public final class TcpMetrics {
  private final Family<Counter> openTotal;
  private final Family<Counter> closeTotal;
  private final Family<Gauge> openConnections;
  private final Family<Counter> readBytes;
  private final Family<Counter> writeBytes;
  private final RetainedSeries<Series> series;

  public TcpMetrics(MetricsRegistry registry, Duration retainIdle, LongSupplier nanoClock) {
    openTotal = registry.counter("tcp_open_total", "Total count of opened connections");
    closeTotal = registry.counter("tcp_close_total", "Total count of closed connections");
    openConnections = registry.gauge("tcp_open_connections", "Number of currently-open connections");
    readBytes = registry.counter("tcp_read_bytes_total", "Total count of bytes read from peers");
    writeBytes = registry.counter("tcp_write_bytes_total", "Total count of bytes written to peers");
    series = registry.retained(retainIdle, nanoClock, Series::new);
  }

  /** The children for one label set ({@code direction}, {@code peer}, target, TLS…). */
  public final class Series extends RetainedSeries.Group {
    private final Labels labels;
    private final Labels closeLabels;
    final Counter open;
    final Counter close;
    final Gauge openNow;
    final Counter read;
    final Counter write;

    private Series(Labels labels) {
      this.labels = labels;
      this.closeLabels = labels.and("errno", "");
      open = openTotal.labels(labels);
      close = closeTotal.labels(closeLabels);
      openNow = openConnections.labels(labels);
      read = readBytes.labels(labels);
      write = writeBytes.labels(labels);
    }

    @Override
    protected void forget() {
      openTotal.forget(labels, open);
      closeTotal.forget(closeLabels, close);
      openConnections.forget(labels, openNow);
      readBytes.forget(labels, read);
      writeBytes.forget(labels, write);
    }
  }

  /** The series for {@code labels}, held until {@link #release}. */
  public Series acquire(Labels labels) {
    return series.acquire(labels);
  }

  public void release(Series held) {
    series.release(held);
  }
}
