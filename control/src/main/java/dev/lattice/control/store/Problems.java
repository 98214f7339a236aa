package dev.lattice.control.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Collects every problem of a batch so that a user sees them all at once, not one per attempt. */
final class Problems {
  private final List<String> all = new ArrayList<>();

  /** Problems about one object, each line prefixed with the object's name. */
  Scope about(String subject) {
    return new Scope(subject);
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  List<String> list() {
    return List.copyOf(all);
  }

  void throwIfAny() {
    if (!all.isEmpty()) {
      throw new InvalidResourceException(all);
    }
  }

  final class Scope {
    private final Set<String> paths = new HashSet<>();
    private String subject;
    private int count;

    private Scope(String subject) {
      this.subject = subject;
    }

    /** Adds a problem unless one was already reported at {@code path}: the first reason is the real one. */
    void add(String path, String reason) {
      if (!paths.add(path)) {
        return;
      }
      count++;
      all.add(subject + ": " + path + ": " + reason);
    }

    /** Renames the subject once the object's name is known (problems already added keep theirs). */
    void rename(String newSubject) {
      subject = newSubject;
    }

    boolean hasProblems() {
      return count > 0;
    }
  }
}
