package dev.lattice.policy;

import java.util.Objects;

/** The client's TLS state as the inbound proxy saw it. */
public sealed interface ClientTls {
  ClientTls PLAINTEXT = new Plaintext();

  static ClientTls plaintext() {
    return PLAINTEXT;
  }

  /** Mesh TLS with a verified client identity; {@code ""} means TLS without a client identity. */
  static ClientTls mesh(String identity) {
    return new Mesh(identity);
  }

  /** No mesh TLS was terminated by the proxy. */
  record Plaintext() implements ClientTls {
    @Override
    public String toString() {
      return "no mesh TLS";
    }
  }

  /** Mesh TLS terminated by the proxy; {@code identity} is empty when the client presented none. */
  record Mesh(String identity) implements ClientTls {
    public Mesh {
      Objects.requireNonNull(identity, "identity");
    }

    public boolean hasIdentity() {
      return !identity.isEmpty();
    }

    @Override
    public String toString() {
      return identity.isEmpty() ? "mesh TLS without a client identity" : "mesh TLS as " + identity;
    }
  }
}
