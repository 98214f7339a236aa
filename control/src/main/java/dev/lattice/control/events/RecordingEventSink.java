package dev.lattice.control.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event in memory, in order; thread-safe. For tests and for diagnostics. */
public final class RecordingEventSink implements EventSink {
  private final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public void emit(Event event) {
    events.add(event);
  }

  /** A snapshot of everything emitted so far. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  public List<Event> withReason(String reason) {
    return events.stream().filter(e -> e.reason().equals(reason)).toList();
  }

  public void clear() {
    events.clear();
  }
}
