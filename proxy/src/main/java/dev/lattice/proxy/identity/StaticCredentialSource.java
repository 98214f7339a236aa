package dev.lattice.proxy.identity;

import java.util.Optional;
import java.util.function.Consumer;

/** Fixed credentials, e.g. loaded from files for benchmarks or tests. */
public record StaticCredentialSource(Credentials credentials) implements CredentialSource {
  @Override
  public Optional<Credentials> current() {
    return Optional.of(credentials);
  }

  @Override
  public void subscribe(Consumer<Credentials> listener) {
    listener.accept(credentials);
  }
}
