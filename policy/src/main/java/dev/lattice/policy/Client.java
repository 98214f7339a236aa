package dev.lattice.policy;

import java.util.Objects;

/** The facts of one connection's client that authorization reads: source address and TLS state. */
public record Client(Ip ip, ClientTls tls) {
  public Client {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(tls, "tls");
  }

  public static Client plaintext(String ip) {
    return new Client(Ip.parse(ip), ClientTls.plaintext());
  }

  public static Client meshed(String ip, String identity) {
    return new Client(Ip.parse(ip), ClientTls.mesh(identity));
  }

  @Override
  public String toString() {
    return ip + " (" + tls + ")";
  }
}
