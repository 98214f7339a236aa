package dev.lattice.local.up;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where this Lattice build lives: the JDK running it and the class paths of the CLI, the proxy and
 * the demo, so {@code up} can start them as separate processes.
 *
 * @param home the source tree ({@code lattice.home} property, {@code LATTICE_HOME}, or derived from the
 *     class path entry {@code <home>/cli/target/classes})
 */
public record Installation(Path java, Path home) {
  /**
   * JVM flags for every process of the mesh: small heaps and fast start-up matter more than peak
   * speed. A process out of heap exits (and is reported as such) rather than running on with a
   * dead thread.
   */
  public static final List<String> JVM_FLAGS = List.of(
      "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:MaxRAM=512m", "-XX:+ExitOnOutOfMemoryError");

  public static Installation current() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new Installation(java, findHome().orElseThrow(() -> new IllegalStateException(
        "cannot tell where Lattice is installed: run it through ./lattice, or set LATTICE_HOME to the source tree")));
  }

  static Optional<Path> findHome() {
    String property = System.getProperty("lattice.home", System.getenv("LATTICE_HOME"));
    if (property != null && !property.isBlank()) {
      return Optional.of(Path.of(property).toAbsolutePath().normalize());
    }
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath().normalize();
      if (p.endsWith(Path.of("cli", "target", "classes"))
          || (p.getFileName().toString().startsWith("lattice-cli-") && p.getParent() != null
              && p.getParent().endsWith(Path.of("cli", "target")))) {
        return Optional.of(p.getParent().getParent().getParent().normalize());
      }
    }
    return Optional.empty();
  }

  public String cliClasspath() {
    return classpath("cli");
  }

  public String demoClasspath() {
    return classpath("demo");
  }

  public Path proxyLib() {
    return home.resolve("proxy/target/lib");
  }

  /** {@code java <flags> -cp <cli> dev.lattice.cli.LatticeMain <args>}. */
  public List<String> lattice(String... args) {
    return lattice(Optional.empty(), args);
  }

  /** As {@link #lattice(String...)}, keeping a class-data-sharing archive in {@code archive} if given. */
  public List<String> lattice(Optional<Path> archive, String... args) {
    List<String> argv = new ArrayList<>(jvm(cliClasspath(), archive));
    argv.add(argv.size() - 2, "-Dlattice.home=" + home);
    argv.add("dev.lattice.cli.LatticeMain");
    argv.addAll(List.of(args));
    return argv;
  }

  /** The demo's launcher; the workload's name goes last. */
  public List<String> demoLauncher() {
    return demoLauncher(Optional.empty());
  }

  public List<String> demoLauncher(Optional<Path> archive) {
    List<String> argv = new ArrayList<>(jvm(demoClasspath(), archive));
    argv.add("dev.lattice.demo.DemoMain");
    return argv;
  }

  public List<String> jvm(String classpath) {
    return jvm(classpath, Optional.empty());
  }

  public List<String> jvm(String classpath, Optional<Path> archive) {
    List<String> argv = new ArrayList<>();
    argv.add(java.toString());
    argv.addAll(JVM_FLAGS);
    archive.ifPresent(a -> argv.addAll(classDataSharing(classpath, a)));
    argv.add("-cp");
    argv.add(classpath);
    return argv;
  }

  /** Fails with what to build when a module's classes or runtime jars are missing. */
  public void requireBuilt(String module) {
    if (!Files.isDirectory(home.resolve(module + "/target/classes")) || !Files.isDirectory(home.resolve(module + "/target/lib"))) {
      throw new IllegalStateException(module + " is not built in " + home
          + " (run ./lattice, which builds, or ./mvnw -q -B package -DskipTests)");
    }
  }

  /**
   * The module's classes and its runtime jars. The module's own jar is used instead of its classes
   * directory when it is at least as new: class-data sharing archives classes from jars only.
   */
  private String classpath(String module) {
    return moduleClasses(module) + File.pathSeparator + home.resolve(module + "/target/lib") + "/*";
  }

  /** {@code <module>/target/lattice-<module>-<version>.jar} if packaged after its classes last changed, else the classes directory. */
  public Path moduleClasses(String module) {
    Path classes = home.resolve(module + "/target/classes");
    try (var jars = Files.newDirectoryStream(home.resolve(module + "/target"), "lattice-" + module + "-*.jar")) {
      for (Path jar : jars) {
        if (Files.getLastModifiedTime(jar).compareTo(newest(classes)) >= 0) {
          return jar;
        }
      }
    } catch (IOException e) {
      // No target directory or no jar: the classes directory it is.
    }
    return classes;
  }

  /**
   * Flags that keep a class-data-sharing archive for one process of the mesh in {@code archive}:
   * written when the JVM exits, used by the next start (so a second {@code up} starts faster).
   * Empty when the class path has a directory, which CDS cannot archive.
   */
  public static List<String> classDataSharing(String classpath, Path archive) {
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.endsWith(".jar") && !entry.endsWith("/*")) {
        return List.of();
      }
    }
    return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off",
        "-Xlog:cds+dynamic=off");
  }

  private static FileTime newest(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.map(p -> {
        try {
          return Files.getLastModifiedTime(p);
        } catch (IOException e) {
          return FileTime.fromMillis(Long.MAX_VALUE);
        }
      }).max(Comparator.naturalOrder()).orElse(FileTime.fromMillis(0));
    }
  }
}
