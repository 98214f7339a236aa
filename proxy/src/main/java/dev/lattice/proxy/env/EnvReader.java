package dev.lattice.proxy.env;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed values from an environment map and records, rather than throws, every problem, so that
 * all features' configs can be parsed before the proxy reports what is wrong:
 *
 * <pre>{@code
 * EnvReader env = new EnvReader(System.getenv());
 * Optional<IdentityConfig> identity = IdentityConfig.from(env);
 * Optional<AdminConfig> admin = AdminConfig.from(env);
 * env.throwIfInvalid();   // one exception naming every bad variable
 * }</pre>
 *
 * <p>An empty value counts as unset, as the injector writes empty values for options left off.
 */
public final class EnvReader {
  private final Map<String, String> env;
  private final List<EnvProblem> problems = new ArrayList<>();

  public EnvReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The raw value, or empty when unset or empty. */
  public Optional<String> get(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** The value parsed by {@code parser}; empty when unset, or when invalid (the problem is recorded). */
  public <T> Optional<T> parse(String name, Function<String, T> parser) {
    Optional<String> raw = get(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(raw.get()));
    } catch (RuntimeException e) {
      problem(name, e.getMessage() == null ? e.toString() : e.getMessage());
      return Optional.empty();
    }
  }

  /** Like {@link #parse(String, Function)} but records "is required" when unset. */
  public <T> Optional<T> required(String name, Function<String, T> parser) {
    if (get(name).isEmpty()) {
      problem(name, "is required");
      return Optional.empty();
    }
    return parse(name, parser);
  }

  public Optional<Duration> duration(String name) {
    return parse(name, EnvValues::duration);
  }

  public Duration duration(String name, Duration defaultValue) {
    return duration(name).orElse(defaultValue);
  }

  public boolean bool(String name, boolean defaultValue) {
    return parse(name, EnvValues::bool).orElse(defaultValue);
  }

  public InetSocketAddress socketAddress(String name, InetSocketAddress defaultValue) {
    return parse(name, EnvValues::socketAddress).orElse(defaultValue);
  }

  /** Records a problem with {@code name}'s current value (e.g. a check across two variables). */
  public void problem(String name, String reason) {
    problems.add(new EnvProblem(name, env.get(name), reason));
  }

  /** True when a problem has been recorded for {@code name}. */
  public boolean hasProblem(String name) {
    return problems.stream().anyMatch(p -> p.name().equals(name));
  }

  public List<EnvProblem> problems() {
    return List.copyOf(problems);
  }

  /** Throws one {@link InvalidEnvException} listing every recorded problem, if there is any. */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new InvalidEnvException(problems);
    }
  }
}
