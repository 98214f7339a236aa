package dev.lattice.proxy.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** One metric name with its help text and a child series per label set. */
public final class Family<T> {
  private final String name;
  private final String help;
  private final String type;
  private final Function<Labels, T> factory;
  private final Map<Labels, T> children = new ConcurrentHashMap<>();

  Family(String name, String help, String type, Function<Labels, T> factory) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.factory = factory;
  }

  /** The series for {@code labels}, created on first use. Resolve once, then keep the child. */
  public T labels(Labels labels) {
    T child = children.get(labels);
    return child != null ? child : children.computeIfAbsent(labels, factory);
  }

  public T labels(String... namesAndValues) {
    return labels(Labels.of(namesAndValues));
  }

  /**
   * Removes the series for {@code labels} if it is still {@code child}. Only for series nothing
   * counts into any more ({@link RetainedSeries} drops groups nobody holds).
   */
  public void forget(Labels labels, T child) {
    children.remove(labels, child);
  }

  public String name() {
    return name;
  }

  String help() {
    return help;
  }

  String type() {
    return type;
  }

  Map<Labels, T> children() {
    return children;
  }
}
