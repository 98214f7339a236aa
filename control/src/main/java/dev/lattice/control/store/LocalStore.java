package dev.lattice.control.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store kept in a state directory as one manifest per object:
 * {@code <state>/resources/<kind-plural>/<namespace>/<name>.yaml} (cluster-scoped kinds have no
 * namespace directory). The CLI changes it with {@link #apply}/{@link #delete}; a long-running
 * process sees changes made by any other process by re-reading the directory every {@code
 * pollInterval} (or on {@link #refresh()}).
 *
 * <p>Writers take an exclusive lock on {@code <state>/resources/.lock} and replace files by atomic
 * rename, so a reader sees each file either whole before or whole after a change. A file that someone
 * edited into an invalid state is ignored (the last good version is kept) and logged once.
 */
public final class LocalStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(LocalStore.class);
  private static final String SUFFIX = ".yaml";

  private final Path root;
  private final StoreState state = new StoreState();
  /** What each file held when last read, so unchanged files are not parsed again. */
  private final Map<Path, FileContent> files = new HashMap<>();
  private final ScheduledExecutorService poller;

  private LocalStore(Path stateDir, Duration pollInterval) throws IOException {
    this.root = stateDir.resolve("resources");
    Files.createDirectories(root);
    refresh();
    if (pollInterval.isPositive()) {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("lattice-local-store-poll").factory());
      poller.scheduleWithFixedDelay(
          this::pollOnce, pollInterval.toNanos(), pollInterval.toNanos(), TimeUnit.NANOSECONDS);
    } else {
      poller = null;
    }
  }

  /**
   * Opens (creating if needed) the store in {@code stateDir} and loads what it holds.
   *
   * @param pollInterval how often to look for changes by other processes; zero or negative: never
   *     (call {@link #refresh()})
   */
  public static LocalStore open(Path stateDir, Duration pollInterval) throws IOException {
    return new LocalStore(stateDir, pollInterval);
  }

  /** The directory holding the manifests. */
  public Path resourcesDir() {
    return root;
  }

  /** Where the manifest of {@code ref} lives. */
  public Path pathOf(ResourceRef ref) {
    Path dir = root.resolve(ref.kind().plural());
    if (ref.kind().namespaced()) {
      dir = dir.resolve(ref.namespace());
    }
    return dir.resolve(ref.name() + SUFFIX);
  }

  @Override
  public Snapshot snapshot() {
    return state.snapshot();
  }

  @Override
  public Watch watch(ResourceSink sink) {
    return state.watch(sink);
  }

  @Override
  public List<Change> apply(Collection<? extends Resource> resources) {
    ResourceValidator.check(resources);
    return writing(
        () -> state.applyBatch(resources, r -> {
          Path path = pathOf(r.ref());
          byte[] content = ManifestWriter.write(r).getBytes(StandardCharsets.UTF_8);
          FileContent before = files.get(path);
          if (before == null || !Arrays.equals(before.bytes(), content)) {
            try {
              writeAtomically(path, content);
            } catch (IOException e) {
              throw new UncheckedIOException("writing " + path, e);
            }
            files.put(path, new FileContent(content, r));
          }
          return state.put(r);
        }));
  }

  @Override
  public List<Change> delete(Collection<ResourceRef> refs) {
    return writing(
        () -> {
          List<Change> changes = new ArrayList<>();
          for (ResourceRef ref : refs) {
            Path path = pathOf(ref);
            Files.deleteIfExists(path);
            files.remove(path);
            changes.add(state.remove(ref));
          }
          return changes;
        });
  }

  /** Re-reads the directory now and tells watchers what changed since the last read. */
  public void refresh() {
    state.locked(
        () -> {
          try {
            state.replaceAll(scan());
          } catch (IOException e) {
            throw new UncheckedIOException("reading " + root, e);
          }
          return null;
        });
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }

  private void pollOnce() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.warn("could not re-read {}; keeping the last state", root, e);
    }
  }

  private Map<ResourceRef, Resource> scan() throws IOException {
    Map<ResourceRef, Resource> found = new TreeMap<>();
    Map<Path, FileContent> seen = new HashMap<>();
    for (Kind kind : Kind.values()) {
      Path kindDir = root.resolve(kind.plural());
      for (Path file : manifests(kindDir, kind.namespaced() ? 2 : 1)) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          continue; // deleted while we looked
        }
        FileContent cached = files.get(file);
        FileContent content =
            cached != null && Arrays.equals(cached.bytes(), bytes)
                ? cached
                : read(file, kind, bytes, cached);
        seen.put(file, content);
        if (content.resource() != null) {
          found.put(content.resource().ref(), content.resource());
        }
      }
    }
    files.clear();
    files.putAll(seen);
    return found;
  }

  /** Parses a changed file; an invalid one keeps its last good object. */
  private FileContent read(Path file, Kind kind, byte[] bytes, FileContent previous) {
    Resource lastGood = previous == null ? null : previous.resource();
    try {
      List<Resource> parsed = ManifestParser.parse(new String(bytes, StandardCharsets.UTF_8));
      if (parsed.size() != 1) {
        throw new InvalidResourceException(
            List.of(file + ": holds " + parsed.size() + " objects (expected: exactly one)"));
      }
      Resource r = parsed.getFirst();
      if (!pathOf(r.ref()).equals(file)) {
        throw new InvalidResourceException(
            List.of(file + ": holds " + r.ref().qualified() + ", which belongs in " + pathOf(r.ref())));
      }
      return new FileContent(bytes, r);
    } catch (InvalidResourceException e) {
      log.warn("ignoring invalid {} ({}): {}", file, lastGood == null ? "new" : "keeping the last good version", e.getMessage());
      return new FileContent(bytes, lastGood);
    }
  }

  private static List<Path> manifests(Path dir, int depth) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir, depth)) {
      return walk.filter(p -> p.getNameCount() - dir.getNameCount() == depth)
          .filter(p -> p.getFileName().toString().endsWith(SUFFIX))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  private static void writeAtomically(Path path, byte[] content) throws IOException {
    Files.createDirectories(path.getParent());
    Path tmp = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".tmp");
    try {
      Files.write(tmp, content);
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Runs a change with the directory locked against other processes, after catching up with what
   * they wrote, so that created/configured is judged against the files and not a stale view.
   */
  private List<Change> writing(IoAction action) {
    return state.locked(
        () -> {
          try (FileChannel channel =
              FileChannel.open(
                  root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // Closing the channel releases the lock.
            FileLock lock = channel.lock();
            assert lock.isValid();
            state.replaceAll(scan());
            return action.run();
          } catch (IOException e) {
            throw new UncheckedIOException("writing " + root, e);
          }
        });
  }

  @FunctionalInterface
  private interface IoAction {
    List<Change> run() throws IOException;
  }

  private record FileContent(byte[] bytes, Resource resource) {}
}
