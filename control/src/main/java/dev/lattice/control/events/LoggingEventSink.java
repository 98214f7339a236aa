package dev.lattice.control.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each event as one log line: Normal at INFO, Warning at WARN. Used until a Kubernetes sink exists. */
public final class LoggingEventSink implements EventSink {
  private final Logger log;

  public LoggingEventSink() {
    this(LoggerFactory.getLogger("dev.lattice.control.events"));
  }

  public LoggingEventSink(Logger log) {
    this.log = log;
  }

  @Override
  public void emit(Event event) {
    switch (event.type()) {
      case NORMAL -> log.info("event {} on {}: {}", event.reason(), event.regarding(), event.message());
      case WARNING -> log.warn("event {} on {}: {}", event.reason(), event.regarding(), event.message());
    }
  }
}
