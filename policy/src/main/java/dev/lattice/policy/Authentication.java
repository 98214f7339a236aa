package dev.lattice.policy;

import java.util.List;
import java.util.Set;

/** What an authorization requires of the client's TLS: a closed set, as Linkerd's {@code Authn}. */
public sealed interface Authentication {
  /** Whether a client with {@code tls} passes. */
  boolean admits(ClientTls tls);

  /** Any client, with or without TLS. */
  record Unauthenticated() implements Authentication {
    @Override
    public boolean admits(ClientTls tls) {
      return true;
    }

    @Override
    public String toString() {
      return "no authentication";
    }
  }

  /** Any client whose connection was mesh TLS terminated by the proxy, with or without an identity. */
  record MeshTls() implements Authentication {
    @Override
    public boolean admits(ClientTls tls) {
      return tls instanceof ClientTls.Mesh;
    }

    @Override
    public String toString() {
      return "mesh TLS (identity optional)";
    }
  }

  /**
   * A mesh TLS client whose identity equals one of {@code exact} or, for DNS-like identities, ends with
   * {@code "." + suffix} for one of {@code suffixes}. The empty suffix ({@code *}) matches every
   * DNS-like identity. SPIFFE URIs only ever match exactly.
   */
  record Identities(Set<String> exact, List<String> suffixes) implements Authentication {
    public Identities {
      exact = Set.copyOf(exact);
      suffixes = List.copyOf(suffixes);
    }

    /**
     * From the patterns a MeshTLSAuthentication lists: {@code *}, {@code *.suffix} or an exact name.
     */
    public static Identities of(List<String> patterns) {
      Set<String> exact = new java.util.LinkedHashSet<>();
      List<String> suffixes = new java.util.ArrayList<>();
      for (String p : patterns) {
        if (p.equals("*")) {
          suffixes.add("");
        } else if (p.startsWith("*.")) {
          suffixes.add(p.substring(2));
        } else {
          exact.add(p);
        }
      }
      return new Identities(exact, suffixes);
    }

    @Override
    public boolean admits(ClientTls tls) {
      return tls instanceof ClientTls.Mesh m && matches(m.identity());
    }

    public boolean matches(String identity) {
      if (identity.isEmpty()) {
        return false;
      }
      if (exact.contains(identity)) {
        return true;
      }
      if (identity.indexOf(':') >= 0) {
        return false; // a URI (spiffe://…): suffixes are for DNS-like names only
      }
      for (int i = 0; i < suffixes.size(); i++) {
        String s = suffixes.get(i);
        if (s.isEmpty()) {
          return true;
        }
        int at = identity.length() - s.length();
        if (at >= 2 && identity.charAt(at - 1) == '.' && identity.endsWith(s)) {
          return true;
        }
      }
      return false;
    }

    /** The patterns again, as a user wrote them. */
    public List<String> patterns() {
      List<String> out = new java.util.ArrayList<>(exact);
      suffixes.forEach(s -> out.add(s.isEmpty() ? "*" : "*." + s));
      return out;
    }

    @Override
    public String toString() {
      return "mesh identity in " + patterns();
    }
  }
}
