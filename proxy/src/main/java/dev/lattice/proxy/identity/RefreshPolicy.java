package dev.lattice.proxy.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to ask for the next certificate.
 *
 * <p>After a success: at 70% of the time the new certificate has left, clamped to
 * [{@code minRefresh}, {@code maxRefresh}], as Linkerd does (a 24 h certificate is renewed after
 * ~16.8 h).
 *
 * <p>After a failure, Linkerd retries every {@code minRefresh}, so a whole cluster whose identity
 * service is down hammers it in lockstep. We back off instead: the n-th consecutive failure waits
 * {@code max(minRefresh, 1s) * 2^(n-1)}, capped, then scaled by a random factor in [0.5, 1) ("equal
 * jitter", which spreads proxies out but only ever shortens a delay, so the cap stays a hard bound).
 * The cap is the time the current certificate has left (so a retry always comes before expiry), or,
 * with no valid certificate, one minute or {@code minRefresh} if larger (a proxy that is not ready
 * yet must not wait long); both also bounded by {@code maxRefresh}. No delay is shorter than 100 ms unless the certificate
 * expires sooner.
 */
final class RefreshPolicy {
  static final long REFRESH_TENTHS = 7;
  static final Duration FIRST_RETRY_FLOOR = Duration.ofSeconds(1);
  static final Duration UNCERTIFIED_RETRY_CAP = Duration.ofMinutes(1);
  static final Duration MIN_DELAY = Duration.ofMillis(100);
  private static final int MAX_DOUBLINGS = 30;

  private final Duration minRefresh;
  private final Duration maxRefresh;
  private final RandomGenerator random;

  RefreshPolicy(Duration minRefresh, Duration maxRefresh, RandomGenerator random) {
    this.minRefresh = minRefresh;
    this.maxRefresh = maxRefresh;
    this.random = random;
  }

  /** Delay before refreshing a certificate valid until {@code notAfter}, obtained at {@code now}. */
  Duration afterSuccess(Instant now, Instant notAfter) {
    Duration remaining = Duration.between(now, notAfter);
    // Integer arithmetic: 0.7 in binary floating point turns 24 h into 16:47:59.999.
    Duration delay = Duration.ofMillis(Math.max(0, remaining.toMillis()) / 10 * REFRESH_TENTHS);
    return clamp(delay, minRefresh, maxRefresh);
  }

  /**
   * Delay before retrying after the {@code consecutiveFailures}-th failure in a row (1 for the first),
   * while holding a certificate valid until {@code validUntil}, if any.
   */
  Duration afterFailure(int consecutiveFailures, Instant now, Optional<Instant> validUntil) {
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures + " (expected: >= 1)");
    }
    double first = max(minRefresh, FIRST_RETRY_FLOOR).toMillis();
    double base = first * Math.pow(2, Math.min(consecutiveFailures - 1, MAX_DOUBLINGS));
    Duration ceiling;
    if (validUntil.isPresent() && validUntil.get().isAfter(now)) {
      ceiling = min(maxRefresh, Duration.between(now, validUntil.get()));
    } else {
      ceiling = max(MIN_DELAY, min(maxRefresh, max(minRefresh, UNCERTIFIED_RETRY_CAP)));
    }
    double capped = Math.min(base, ceiling.toMillis());
    double jittered = capped * (0.5 + 0.5 * random.nextDouble());
    // The floor keeps a zero min_refresh from spinning, but never pushes a retry past expiry.
    return max(min(MIN_DELAY, ceiling), Duration.ofMillis((long) jittered));
  }

  private static Duration clamp(Duration value, Duration low, Duration high) {
    return min(max(value, low), high);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
