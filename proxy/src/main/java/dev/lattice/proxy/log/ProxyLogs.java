package dev.lattice.proxy.log;

import dev.lattice.api.LogFilter;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/**
 * The proxy's loggers and the filter that sets their levels. Changing the filter re-levels every
 * logger already handed out, so {@code /proxy-log-level} takes effect at once; a logger's check
 * whether a level is on stays one volatile read.
 */
public final class ProxyLogs implements ILoggerFactory {
  /** The instance SLF4J uses in the proxy process ({@link ProxyLogProvider}). */
  private static final ProxyLogs PROCESS = new ProxyLogs(LogFilter.DEFAULT, System.err);

  private final Map<String, ProxyLogger> loggers = new ConcurrentHashMap<>();
  private final PrintStream out;
  private volatile LogFilter filter;

  public ProxyLogs(LogFilter filter, PrintStream out) {
    this.filter = filter;
    this.out = out;
  }

  /** The proxy process's loggers, when {@link ProxyLogProvider} is SLF4J's provider. */
  public static ProxyLogs process() {
    return PROCESS;
  }

  @Override
  public Logger getLogger(String name) {
    ProxyLogger known = loggers.get(name);
    if (known != null) {
      return known;
    }
    // Under the filter's lock: a logger made while the filter changes gets the new level.
    synchronized (this) {
      return loggers.computeIfAbsent(name, n -> new ProxyLogger(n, filter.levelFor(n), out));
    }
  }

  public LogFilter filter() {
    return filter;
  }

  /** From now on every logger logs at the level {@code next} gives it. */
  public synchronized void filter(LogFilter next) {
    filter = next;
    loggers.values().forEach(l -> l.level(next.levelFor(l.getName())));
  }
}
