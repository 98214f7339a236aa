package dev.lattice.proxy.log;

import dev.lattice.api.LogFilter;
import java.io.PrintStream;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One named logger. Lines look as slf4j-simple's did ({@code [thread] LEVEL name - message}), so
 * what reads the proxy's log before this logger still reads it.
 */
final class ProxyLogger extends LegacyAbstractLogger {
  private final transient PrintStream out;
  private volatile LogFilter.Level level;

  ProxyLogger(String name, LogFilter.Level level, PrintStream out) {
    this.name = name;
    this.level = level;
    this.out = out;
  }

  void level(LogFilter.Level next) {
    level = next;
  }

  private boolean on(LogFilter.Level wanted) {
    return wanted.compareTo(level) >= 0;
  }

  @Override
  public boolean isTraceEnabled() {
    return on(LogFilter.Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return on(LogFilter.Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return on(LogFilter.Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return on(LogFilter.Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return on(LogFilter.Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level at, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    StringBuilder line = new StringBuilder(message.length() + name.length() + 32)
        .append('[').append(Thread.currentThread().getName()).append("] ")
        .append(at.name()).append(' ').append(name).append(" - ").append(message);
    synchronized (out) {
      out.println(line);
      if (thrown != null) {
        thrown.printStackTrace(out);
      }
    }
  }
}
