package dev.lattice.proxy.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The proxy's metric families, rendered in the Prometheus text format (0.0.4). One instance per
 * proxy, passed to the layers that count (no global registry).
 */
public final class MetricsRegistry {
  private final Map<String, Object> families = new ConcurrentHashMap<>();
  private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<RetainedSeries<?>> retained = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Family<Counter> counter(String name, String help) {
    return register(name, new Family<>(name, help, "counter", labels -> new Counter()));
  }

  public Family<Gauge> gauge(String name, String help) {
    return register(name, new Family<>(name, help, "gauge", labels -> new Gauge()));
  }

  public Family<Histogram> histogram(String name, String help, double[] bounds) {
    double[] copy = bounds.clone();
    return register(name, new Family<>(name, help, "histogram", labels -> new Histogram(copy)));
  }

  /** A gauge computed at scrape time (e.g. a certificate's expiry), without labels. */
  public void gauge(String name, String help, DoubleSupplier value) {
    gauge(name, help, Labels.EMPTY, value);
  }

  /** A gauge computed at scrape time with fixed labels. Several may share a name. */
  public void gauge(String name, String help, Labels labels, DoubleSupplier value) {
    Family<DoubleSupplier> family =
        register(name, new Family<>(name, help, "gauge", l -> { throw new IllegalStateException(); }));
    family.children().put(labels, value);
  }

  /**
   * A counter read at scrape time from something that already counts (e.g. the JVM's CPU time),
   * without labels. {@code value} must never decrease.
   */
  public void counter(String name, String help, DoubleSupplier value) {
    Family<DoubleSupplier> family =
        register(name, new Family<>(name, help, "counter", l -> { throw new IllegalStateException(); }));
    family.children().put(Labels.EMPTY, value);
  }

  /**
   * Series groups by label set, dropped once nothing has held them for {@code retainIdle}: at each
   * {@link #render} and at each {@link #dropIdleSeries}.
   */
  public <G extends RetainedSeries.Group> RetainedSeries<G> retained(
      Duration retainIdle, LongSupplier nanoClock, Function<Labels, G> create) {
    RetainedSeries<G> series = new RetainedSeries<>(retainIdle, nanoClock, create);
    retained.add(series);
    return series;
  }

  /**
   * Drops the retained series groups that have been idle long enough; returns how many. The proxy
   * also calls this on a timer, so nobody scraping does not mean series pile up.
   */
  public int dropIdleSeries() {
    int dropped = 0;
    for (RetainedSeries<?> series : retained) {
      dropped += series.dropIdle();
    }
    return dropped;
  }

  /** Everything, in the Prometheus text exposition format. */
  public String render() {
    dropIdleSeries(); // as Linkerd does: a scrape never shows a series idle for longer than retained
    StringBuilder out = new StringBuilder(4096);
    for (String name : order) {
      Family<?> family = (Family<?>) families.get(name);
      if (family.children().isEmpty()) {
        continue;
      }
      out.append("# HELP ").append(name).append(' ').append(family.help()).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(family.type()).append('\n');
      for (Map.Entry<Labels, ?> child : family.children().entrySet()) {
        appendChild(out, name, child.getKey(), child.getValue());
      }
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private <T> Family<T> register(String name, Family<T> family) {
    Object existing = families.putIfAbsent(name, family);
    if (existing == null) {
      order.add(name);
      return family;
    }
    Family<T> previous = (Family<T>) existing;
    if (!previous.type().equals(family.type())) {
      throw new IllegalArgumentException("metric " + name + " is already a " + previous.type());
    }
    return previous;
  }

  private static void appendChild(StringBuilder out, String name, Labels labels, Object child) {
    switch (child) {
      case Counter c -> sample(out, name, labels, Long.toString(c.get()));
      case Gauge g -> sample(out, name, labels, Long.toString(g.get()));
      case DoubleSupplier d -> sample(out, name, labels, format(d.getAsDouble()));
      case Histogram h -> {
        double[] bounds = h.bounds();
        for (int i = 0; i <= bounds.length; i++) {
          String le = i == bounds.length ? "+Inf" : format(bounds[i]);
          sample(out, name + "_bucket", labels.and("le", le), Long.toString(h.cumulative(i)));
        }
        sample(out, name + "_sum", labels, format(h.sum()));
        sample(out, name + "_count", labels, Long.toString(h.count()));
      }
      default -> throw new IllegalStateException("unknown metric child " + child);
    }
  }

  private static void sample(StringBuilder out, String name, Labels labels, String value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      labels.appendTo(out);
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  static String format(double value) {
    if (Double.isInfinite(value)) {
      // The text format spells these +Inf / -Inf; Java's "Infinity" is not in the spec.
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  /** Families by name, for tests that assert on a series without parsing text. */
  List<String> names() {
    return new ArrayList<>(order);
  }
}
