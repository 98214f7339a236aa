package dev.lattice.local.proxyinit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code iptables} and {@code iptables-save} pair to use for one family. Prefers the requested
 * flavour ({@code iptables-nft}), then the distribution's default ({@code iptables}), then the other
 * flavour, like proxy-init, which falls back to whichever binaries exist.
 */
public record IptablesBinaries(IpFamily family, Path iptables, Path save) {

  /** Resolves through {@code which} (a PATH lookup in production, a map in tests). */
  public static IptablesBinaries resolve(IpFamily family, IptablesFlavour preferred,
      Function<String, Optional<Path>> which) {
    String prefix = family.binaryPrefix();
    List<String> candidates = List.of(
        prefix + "-" + preferred.suffix(), prefix, prefix + "-" + preferred.other().suffix());
    List<String> tried = new ArrayList<>();
    for (String candidate : candidates) {
      Optional<Path> bin = which.apply(candidate);
      Optional<Path> save = which.apply(candidate + "-save");
      tried.add(candidate + " (+ " + candidate + "-save)");
      if (bin.isPresent() && save.isPresent()) {
        return new IptablesBinaries(family, bin.get(), save.get());
      }
    }
    throw new IllegalStateException("no usable " + prefix + " binaries: tried " + String.join(", ", tried)
        + " (install the Debian package iptables)");
  }
}
