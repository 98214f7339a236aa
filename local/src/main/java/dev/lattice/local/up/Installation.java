package dev.lattice.local.up;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
  /** JVM flags for every process of the mesh: small heaps and fast start-up matter more than peak speed. */
  public static final List<String> JVM_FLAGS = List.of(
      "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:MaxRAM=512m");

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
      if (p.endsWith(Path.of("cli", "target", "classes"))) {
        return Optional.of(p.getParent().getParent().getParent());
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

  public Path proxyClasses() {
    return home.resolve("proxy/target/classes");
  }

  public Path proxyLib() {
    return home.resolve("proxy/target/lib");
  }

  /** {@code java <flags> -cp <cli> dev.lattice.cli.LatticeMain <args>}. */
  public List<String> lattice(String... args) {
    List<String> argv = new ArrayList<>(jvm(cliClasspath()));
    argv.add("dev.lattice.cli.LatticeMain");
    argv.addAll(List.of(args));
    return argv;
  }

  /** The demo's launcher; the workload's name goes last. */
  public List<String> demoLauncher() {
    List<String> argv = new ArrayList<>(jvm(demoClasspath()));
    argv.add("dev.lattice.demo.DemoMain");
    return argv;
  }

  public List<String> jvm(String classpath) {
    List<String> argv = new ArrayList<>();
    argv.add(java.toString());
    argv.addAll(JVM_FLAGS);
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

  private String classpath(String module) {
    return home.resolve(module + "/target/classes") + File.pathSeparator + home.resolve(module + "/target/lib") + "/*";
  }
}
