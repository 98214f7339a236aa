package dev.lattice.control.events;

import java.util.Objects;

/**
 * One control-plane event, shaped like a Kubernetes {@code Event} so a Kubernetes sink can post it
 * unchanged: {@code type} Normal or Warning, a CamelCase {@code reason} (e.g. {@code IssuerUpdated}), a
 * human message, and the object it is about.
 */
public record Event(Type type, String reason, String message, ObjectRef regarding) {
  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(regarding, "regarding");
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason: '" + reason + "' (expected: not blank)");
    }
    Objects.requireNonNull(message, "message");
  }

  public static Event normal(String reason, String message, ObjectRef regarding) {
    return new Event(Type.NORMAL, reason, message, regarding);
  }

  public static Event warning(String reason, String message, ObjectRef regarding) {
    return new Event(Type.WARNING, reason, message, regarding);
  }

  /** Kubernetes event types; {@link #wireName()} is the string the API expects. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  /** The object an event is attached to, e.g. {@code ServiceAccount emojivoto/web}. */
  public record ObjectRef(String kind, String namespace, String name) {
    public ObjectRef {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return kind + " " + namespace + "/" + name;
    }
  }
}
