package dev.lattice.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Lifetimes as operators type them for {@code step} and Linkerd: Go-style durations ({@code 8760h},
 * {@code 1h30m}, {@code 90s}) plus days ({@code 365d}), which Go lacks but certificate lifetimes want.
 */
public final class Durations implements ITypeConverter<Duration> {
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:d|h|m|s))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(d|h|m|s)");

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming the text and the expected form. */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (!WHOLE.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (expected: a number and a unit d, h, m or s, e.g. 8760h, 365d, 1h30m)");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(trimmed);
    try {
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total = total.plus(switch (part.group(2)) {
          case "d" -> Duration.ofDays(amount);
          case "h" -> Duration.ofHours(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is zero (expected: a positive duration)");
    }
    return total;
  }

  /** A coarse human reading, two units at most: {@code 3649d 23h}, {@code 5h 12m}, {@code 42s}. */
  public static String format(Duration duration) {
    Duration d = duration.abs();
    if (d.toDays() > 0) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return d.toSeconds() + "s";
  }

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
