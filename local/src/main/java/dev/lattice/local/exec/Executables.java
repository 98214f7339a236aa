package dev.lattice.local.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** Finds system binaries the way a root shell would, including the sbin directories. */
public final class Executables {
  // Non-login root shells (and CI runners) often lack the sbin directories, where ip and iptables live.
  private static final List<String> ALWAYS = List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private Executables() {}

  /** The absolute path of executable {@code name} on {@code $PATH} or in a standard system directory. */
  public static Optional<Path> find(String name) {
    if (name.contains("/")) {
      Path p = Path.of(name);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    for (String dir : searchPath()) {
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Like {@link #find} but fails with a message naming the Debian package to install. */
  public static Path require(String name, String debianPackage) {
    return find(name).orElseThrow(() -> new IllegalStateException(
        name + " not found on PATH or in /usr/sbin, /sbin (install the Debian package " + debianPackage + ")"));
  }

  private static List<String> searchPath() {
    LinkedHashSet<String> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          dirs.add(d);
        }
      }
    }
    dirs.addAll(ALWAYS);
    return new ArrayList<>(dirs);
  }
}
