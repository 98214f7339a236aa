package dev.lattice.control.events;

/**
 * Where components send {@link Event}s. Implementations must not block for long and must not throw:
 * an event is a side record, never a reason to fail the operation that produced it.
 */
@FunctionalInterface
public interface EventSink {
  void emit(Event event);

  /** A sink that drops everything, for benchmarks and callers that do not want events. */
  static EventSink discarding() {
    return event -> {};
  }

  /** Sends every event to both sinks, this one first. */
  default EventSink and(EventSink other) {
    return event -> {
      emit(event);
      other.emit(event);
    };
  }
}
