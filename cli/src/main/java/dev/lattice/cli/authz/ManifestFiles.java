package dev.lattice.cli.authz;

import dev.lattice.cli.CliException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands {@code -f PATH…} the way {@code kubectl -f} does: a file is read whatever its name; a
 * directory contributes its {@code .yaml}, {@code .yml} and {@code .json} files, sorted, and its
 * subdirectories only with {@code -R}.
 */
public final class ManifestFiles {
  private ManifestFiles() {}

  public static List<Path> expand(List<Path> paths, boolean recursive) {
    if (paths == null || paths.isEmpty()) {
      throw new CliException("no manifests: give -f FILE or -f DIRECTORY");
    }
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isRegularFile(p)) {
        out.add(p);
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> walk = recursive ? Files.walk(p) : Files.list(p)) {
          walk.filter(Files::isRegularFile).filter(ManifestFiles::isManifest).sorted().forEach(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
        }
      } else {
        throw new CliException("the path \"" + p + "\" does not exist");
      }
    }
    if (out.isEmpty()) {
      throw new CliException("no manifests (.yaml, .yml or .json) in " + paths
          + (recursive ? "" : "; use -R to read subdirectories"));
    }
    return out;
  }

  private static boolean isManifest(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }
}
