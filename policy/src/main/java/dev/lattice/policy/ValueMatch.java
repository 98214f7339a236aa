package dev.lattice.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/** A header or query-parameter value test: exact (case-sensitive) or a regex over the whole value. */
public sealed interface ValueMatch {
  boolean matches(CharSequence value);

  static ValueMatch exact(String value) {
    return new Exact(value);
  }

  static ValueMatch regex(String regex) {
    return new Regex(Pattern.compile(regex));
  }

  record Exact(String value) implements ValueMatch {
    public Exact {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean matches(CharSequence candidate) {
      return value.contentEquals(candidate);
    }

    @Override
    public String toString() {
      return value;
    }
  }

  record Regex(Pattern pattern) implements ValueMatch {
    @Override
    public boolean matches(CharSequence candidate) {
      return pattern.matcher(candidate).matches();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern());
    }

    @Override
    public int hashCode() {
      return pattern.pattern().hashCode();
    }

    @Override
    public String toString() {
      return "~" + pattern.pattern();
    }
  }
}
