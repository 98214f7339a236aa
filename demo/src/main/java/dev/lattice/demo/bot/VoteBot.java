package dev.lattice.demo.bot;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Votes for a random emoji through the web workload's JSON API, at a steady rate. Each attempt first makes
 * sure it knows the emoji list ({@code GET /api/list}), then votes ({@code GET /api/vote?choice=…}). HTTP
 * errors are logged and counted; transport errors also back off, so a missing web workload is not hammered.
 */
public final class VoteBot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VoteBot.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** Waits; the seam that keeps tests from sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Attempts so far: votes the web accepted, and attempts that failed for any reason. */
  public record Tally(long succeeded, long failed) {
    public long attempts() {
      return succeeded + failed;
    }
  }

  private record Choice(String shortcode, String unicode) {}

  private final URI web;
  private final Duration interval;
  private final HttpClient http;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  private final JsonMapper json =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private volatile Tally tally = new Tally(0, 0);
  private List<Choice> choices = List.of();

  private VoteBot(
      VoteBotConfig config, HttpClient http, InstantSource clock, Sleeper sleeper, RandomGenerator random) {
    this.web = config.web();
    this.interval = Duration.ofNanos(Math.round(1e9 / config.votesPerSecond()));
    this.http = http;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** A bot with real time, real sleeps and a fresh HTTP client. */
  public static VoteBot create(VoteBotConfig config) {
    return create(config, InstantSource.system(), Thread::sleep, RandomGenerator.getDefault());
  }

  /** A bot with the given time, sleeps and randomness (tests pass a no-op sleeper and a seeded random). */
  public static VoteBot create(
      VoteBotConfig config, InstantSource clock, Sleeper sleeper, RandomGenerator random) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // the web speaks HTTP/1.1; skip the h2c upgrade attempt
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    return new VoteBot(config, http, clock, sleeper, random);
  }

  /**
   * Makes up to {@code maxAttempts} attempts (use {@link Long#MAX_VALUE} for "forever"), paced at the
   * configured rate, and returns the tally. Stops early, with the tally so far, when interrupted.
   */
  public Tally run(long maxAttempts) {
    for (long attempt = 0; attempt < maxAttempts && !Thread.currentThread().isInterrupted(); attempt++) {
      Instant started = clock.instant();
      Duration wait = interval;
      try {
        attemptOnce();
        backoff.succeeded();
      } catch (HttpFailure e) {
        countFailure();
        log.warn("{}", e.getMessage());
      } catch (IOException | JacksonException e) {
        countFailure();
        Duration pause = backoff.failed();
        log.warn("cannot reach web at {}: {} (retrying in {} ms)", web, describe(e), pause.toMillis());
        wait = max(wait, pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (attempt + 1 < maxAttempts) {
        // Pace by start times, so slow responses do not lower the rate below the configured one.
        Duration remaining = wait.minus(Duration.between(started, clock.instant()));
        if (remaining.isPositive()) {
          try {
            sleeper.sleep(remaining);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
    return tally;
  }

  /** Releases the HTTP client; call after {@link #run} has returned. */
  @Override
  public void close() {
    http.close();
  }

  /** The tally so far; safe to read from any thread. */
  public Tally tally() {
    return tally;
  }

  private void attemptOnce() throws IOException, InterruptedException {
    if (choices.isEmpty()) {
      HttpResponse<String> list = get(web.resolve("/api/list"));
      if (list.statusCode() != 200) {
        throw new HttpFailure("listing emoji failed: HTTP " + list.statusCode() + " " + list.body());
      }
      choices = List.of(json.readValue(list.body(), Choice[].class));
      if (choices.isEmpty()) {
        throw new HttpFailure("listing emoji failed: the list is empty");
      }
    }
    Choice choice = choices.get(random.nextInt(choices.size()));
    URI vote =
        web.resolve("/api/vote?choice=" + URLEncoder.encode(choice.shortcode(), StandardCharsets.UTF_8));
    HttpResponse<String> response = get(vote);
    if (response.statusCode() != 200) {
      if (response.statusCode() == 400) {
        choices = List.of(); // the catalogue may have changed; fetch it again next time
      }
      throw new HttpFailure(
          "vote for " + choice.shortcode() + " failed: HTTP " + response.statusCode() + " " + response.body());
    }
    tally = new Tally(tally.succeeded() + 1, tally.failed());
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private void countFailure() {
    tally = new Tally(tally.succeeded(), tally.failed() + 1);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** The web answered, but not with success: logged and counted, no backoff (it is alive). */
  private static final class HttpFailure extends RuntimeException {
    HttpFailure(String message) {
      super(message, null, false, false);
    }
  }
}
