package dev.lattice.policy;

import java.util.List;
import java.util.Objects;

/**
 * One authorization: allowed source networks and an authentication requirement. It admits a client
 * when both hold. {@code meta} is what metrics report, e.g. {@code authorizationpolicy/web-frontend}.
 */
public record Authorization(Meta meta, List<Network> networks, Authentication authentication) {
  public static final Authorization LOCALHOST =
      new Authorization(Meta.ofDefault("localhost"), Network.LOOPBACK, new Authentication.Unauthenticated());

  public Authorization {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(authentication, "authentication");
    networks = List.copyOf(networks);
  }

  public boolean admits(Client client) {
    return inNetworks(client.ip()) && authentication.admits(client.tls());
  }

  public boolean inNetworks(Ip ip) {
    for (int i = 0; i < networks.size(); i++) {
      if (networks.get(i).contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this is the audit authorization: admits like allow-all, but every use is logged. */
  public boolean isAudit() {
    return meta.isDefault() && meta.name().equals(DefaultPolicy.AUDIT.value());
  }
}
