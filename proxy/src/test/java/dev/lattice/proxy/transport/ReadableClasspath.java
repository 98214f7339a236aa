package dev.lattice.proxy.transport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * This JVM's classpath, copied where an unprivileged uid can read it. The proxy child runs as uid
 * 2102 (the exempt proxy user) but the Maven repository lives under root's 0700 home, so the very
 * same jars and class directories are copied into a world-readable temporary directory.
 */
final class ReadableClasspath implements AutoCloseable {
  private final Path root;
  private final String classpath;

  private ReadableClasspath(Path root, String classpath) {
    this.root = root;
    this.classpath = classpath;
  }

  static ReadableClasspath copyOfCurrent() throws IOException {
    Path root = Files.createTempDirectory("lt-test-cp-");
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
        continue;
      }
      Path target = root.resolve(i++ + "-" + source.getFileName());
      copy(source, target);
      entries.add(target.toString());
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return new ReadableClasspath(root, String.join(File.pathSeparator, entries));
  }

  String classpath() {
    return classpath;
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void copy(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source)) {
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      return;
    }
    try (Stream<Path> tree = Files.walk(source)) {
      tree.forEach(p -> {
        try {
          Files.copy(p, target.resolve(source.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
