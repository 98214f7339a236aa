package dev.lattice.control.identity.issuer;

import dev.lattice.control.events.Event;
import dev.lattice.control.events.EventSink;
import dev.lattice.pki.PkiException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the issuer in service in step with its files. Certify reads {@link #current()} (one volatile
 * read); a reload validates the new files completely and only then swaps the reference, so an in-flight
 * Certify signs with whichever issuer it read and never with a half-loaded one.
 *
 * <p>Change detection has two triggers, both ending in {@link #reload()}:
 * <ul>
 *   <li>a {@link WatchService} on the issuer directory (and the anchors file's directory). Any event
 *       counts, because Kubernetes swaps a secret volume by renaming a new {@code ..data} symlink into
 *       place and an atomic writer renames a temp file: neither modifies the file we read. Events are
 *       debounced so that a burst (a cert and a key renamed one after the other) is read once.</li>
 *   <li>polling every {@code pollInterval}, for file systems without notifications, a watched
 *       directory that was itself replaced, or a missed event.</li>
 * </ul>
 * A reload compares the files' fingerprint with the last attempt, so polling an unchanged issuer is
 * silent and a bad issuer is reported once, not on every poll.
 */
public final class IssuerReloader implements IssuerSource, AutoCloseable {
  public static final String ISSUER_UPDATED = "IssuerUpdated";
  public static final String ISSUER_UPDATE_SKIPPED = "IssuerUpdateSkipped";
  private static final Logger log = LoggerFactory.getLogger(IssuerReloader.class);

  private final IssuerFiles files;
  private final InstantSource clock;
  private final EventSink events;
  private final Event.ObjectRef regarding;
  private final AtomicReference<Issuer> current = new AtomicReference<>();
  private final AtomicBoolean reloadPending = new AtomicBoolean();
  private final Object reloadLock = new Object();
  private String lastAttempt; // guarded by reloadLock
  private ScheduledExecutorService scheduler;
  private WatchService watchService;
  private Thread watchThread;

  /**
   * @param regarding the object issuer events are attached to (Linkerd: Deployment
   *     {@code linkerd-identity} in the control-plane namespace)
   */
  public IssuerReloader(IssuerFiles files, InstantSource clock, EventSink events, Event.ObjectRef regarding) {
    this.files = files;
    this.clock = clock;
    this.events = events;
    this.regarding = regarding;
  }

  @Override
  public Optional<Issuer> current() {
    return Optional.ofNullable(current.get());
  }

  /** Time left until the issuer in service (or a certificate above it) expires: {@code issuer_cert_ttl_seconds}. */
  public Optional<Duration> issuerTtl() {
    return current().map(issuer -> Duration.between(clock.instant(), issuer.validUntil()));
  }

  /**
   * Reads the files now and swaps in the issuer they hold if it is new and valid. Emits
   * {@code IssuerUpdated} or {@code IssuerUpdateSkipped}; never throws for bad files.
   */
  public ReloadResult reload() {
    synchronized (reloadLock) {
      IssuerFiles.Snapshot snapshot;
      try {
        snapshot = files.read();
      } catch (PkiException e) {
        return skip(e.getMessage(), "unreadable:" + e.getMessage());
      }
      Issuer inService = current.get();
      if (snapshot.fingerprint().equals(lastAttempt)
          || (inService != null && snapshot.fingerprint().equals(inService.fingerprint()))) {
        // Same bytes as last time, or back to the issuer in service after a bad update: nothing new.
        lastAttempt = snapshot.fingerprint();
        return new ReloadResult.Unchanged();
      }
      Issuer issuer;
      try {
        issuer = snapshot.load(clock.instant());
      } catch (PkiException e) {
        return skip(e.getMessage(), snapshot.fingerprint());
      }
      lastAttempt = snapshot.fingerprint();
      Issuer previous = current.getAndSet(issuer);
      // The event goes out after the swap: whoever sees IssuerUpdated and then calls Certify gets the new issuer.
      log.info("identity issuer {}: {} valid until {} (from {})", previous == null ? "loaded" : "updated",
          issuer.subject(), issuer.validUntil(), snapshot.certificateFile());
      events.emit(Event.normal(ISSUER_UPDATED, "Updated identity issuer", regarding));
      return new ReloadResult.Updated(issuer);
    }
  }

  /**
   * Starts watching: directory notifications (debounced by {@code debounce}) and, unless
   * {@code pollInterval} is zero, polling. Call {@link #reload()} first to load the initial issuer.
   */
  public void startWatching(Duration pollInterval, Duration debounce) throws IOException {
    if (pollInterval.isNegative() || debounce.isNegative()) {
      throw new IllegalArgumentException(
          "pollInterval: " + pollInterval + ", debounce: " + debounce + " (expected: >= 0)");
    }
    synchronized (reloadLock) {
      if (scheduler != null) {
        throw new IllegalStateException("already watching " + files.directory());
      }
      scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
          .name("issuer-reload").daemon(true).factory());
      watchService = FileSystems.getDefault().newWatchService();
      Set<Path> directories = new LinkedHashSet<>();
      directories.add(files.directory().toAbsolutePath());
      Path anchorsDirectory = files.trustAnchorsFile().toAbsolutePath().getParent();
      if (anchorsDirectory != null) {
        directories.add(anchorsDirectory);
      }
      for (Path directory : directories) {
        directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      }
      WatchService service = watchService;
      watchThread = Thread.ofPlatform().name("issuer-watch").daemon(true)
          .start(() -> watchLoop(service, debounce));
      if (!pollInterval.isZero()) {
        scheduler.scheduleWithFixedDelay(this::reloadQuietly, pollInterval.toNanos(), pollInterval.toNanos(),
            TimeUnit.NANOSECONDS);
      }
    }
  }

  @Override
  public void close() {
    synchronized (reloadLock) {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      if (watchService != null) {
        try {
          watchService.close(); // wakes the watch thread with ClosedWatchServiceException
        } catch (IOException e) {
          log.debug("closing the issuer watch service", e);
        }
      }
    }
  }

  private void watchLoop(WatchService service, Duration debounce) {
    try {
      while (true) {
        WatchKey key = service.take();
        key.pollEvents(); // which entry changed does not matter: we re-read by name
        key.reset();
        if (reloadPending.compareAndSet(false, true)) {
          scheduler.schedule(() -> {
            reloadPending.set(false);
            reloadQuietly();
          }, debounce.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException | java.util.concurrent.RejectedExecutionException e) {
      // closed: stop watching
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      // Keep the poller alive whatever happens; the old issuer stays in service.
      log.error("issuer reload failed unexpectedly; keeping the current issuer", e);
    }
  }

  private ReloadResult skip(String reason, String attempt) {
    if (attempt.equals(lastAttempt)) {
      return new ReloadResult.Unchanged();
    }
    lastAttempt = attempt;
    Issuer kept = current.get();
    log.warn("identity issuer update skipped: {}; {}", reason,
        kept == null ? "no issuer is in service yet" : "still signing with " + kept.subject());
    events.emit(Event.warning(ISSUER_UPDATE_SKIPPED,
        "Skipping issuer update as certs could not be read from disk: " + reason, regarding));
    return new ReloadResult.Skipped(reason);
  }
}
