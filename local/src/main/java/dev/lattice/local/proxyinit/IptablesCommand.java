package dev.lattice.local.proxyinit;

import java.util.ArrayList;
import java.util.List;

/** One iptables invocation, without the binary: {@code -t nat -A PROXY_INIT_OUTPUT …}. */
public record IptablesCommand(List<String> args) {
  public IptablesCommand {
    args = List.copyOf(args);
  }

  public static IptablesCommand of(String... args) {
    return new IptablesCommand(List.of(args));
  }

  /** The full argv with {@code binary} (e.g. {@code /usr/sbin/iptables-nft}) in front. */
  public List<String> argv(String binary) {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(binary);
    argv.addAll(args);
    return List.copyOf(argv);
  }

  /** Shell-ready text, quoting arguments that need it: for logs and docs. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (String a : args) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append(a.matches("[A-Za-z0-9_./:,=+-]+") ? a : "\"" + a + "\"");
    }
    return b.toString();
  }
}
