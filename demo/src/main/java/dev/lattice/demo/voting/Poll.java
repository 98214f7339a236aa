package dev.lattice.demo.voting;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Vote counts per shortcode, safe for concurrent voters. */
public final class Poll {
  /** The shortcode whose votes always fail, so a demo shows a failure rate (as emojivoto does). */
  public static final String FAILING_SHORTCODE = ":doughnut:";

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** One vote's count so far, as reported by {@link #results()}. */
  public record Result(String shortcode, long votes) {}

  /** Thrown for the vote that always fails. */
  public static final class RefusedVote extends RuntimeException {
    RefusedVote(String shortcode) {
      super("votes for " + shortcode + " always fail (the demo's deliberate error)");
    }
  }

  /** Adds one vote; the failing shortcode is refused and not counted. */
  public void vote(String shortcode) {
    if (shortcode.isBlank()) {
      throw new IllegalArgumentException("shortcode: blank (expected: e.g. :joy:)");
    }
    if (shortcode.equals(FAILING_SHORTCODE)) {
      throw new RefusedVote(shortcode);
    }
    counts.computeIfAbsent(shortcode, k -> new LongAdder()).increment();
  }

  /** The counts, most votes first; ties by shortcode, so the order is stable between calls. */
  public List<Result> results() {
    return counts.entrySet().stream()
        .map(e -> new Result(e.getKey(), e.getValue().sum()))
        .sorted(Comparator.comparingLong(Result::votes).reversed().thenComparing(Result::shortcode))
        .toList();
  }
}
