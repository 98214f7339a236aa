package dev.lattice.control.identity.token;

import dev.lattice.pki.IdentityName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The local mesh's tokens: random opaque values, one per workload, each bound to a service account
 * and namespace, kept as files so the process that starts the mesh can mint them and the identity
 * service (possibly another process) can check them.
 *
 * <p>Layout: {@code <dir>/<namespace>/<serviceAccount>/<workload>.token}, each file holding only the
 * token (mode 0600). The binding lives in the path, so the file itself is exactly what the workload's
 * proxy reads as its token file ({@code LINKERD2_PROXY_IDENTITY_TOKEN_FILE}) and sends to Certify.
 * Every path segment is a DNS-1123 label, so nothing a caller passes can escape the directory.
 *
 * <p>Tokens carry 256 random bits, URL-safe base64 without padding (43 characters). Lookups hash the
 * presented token and compare it with every known digest using {@link MessageDigest#isEqual}, without
 * stopping at the first match, so the time taken does not depend on how much of a token was right.
 *
 * <p>The in-memory index is re-read from disk when it is older than {@code refreshInterval} (by the
 * injected clock), so tokens minted or deleted by another process take effect within that interval;
 * tokens minted or revoked through this instance take effect at once.
 */
public final class LocalTokenStore implements TokenValidator {
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);
  static final String SUFFIX = ".token";
  private static final int TOKEN_BYTES = 32;
  // Far above a 43-character token or a Kubernetes JWT; stops a caller making us hash megabytes.
  private static final int MAX_PRESENTED_TOKEN_BYTES = 16 * 1024;

  private final Path directory;
  private final InstantSource clock;
  private final Duration refreshInterval;
  private final SecureRandom random = new SecureRandom();
  private final Object lock = new Object();
  private volatile Index index;

  private LocalTokenStore(Path directory, InstantSource clock, Duration refreshInterval) {
    this.directory = directory;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
  }

  /** Opens (creating if needed, mode 0700) a token directory. */
  public static LocalTokenStore open(Path directory, InstantSource clock) {
    return open(directory, clock, DEFAULT_REFRESH_INTERVAL);
  }

  public static LocalTokenStore open(Path directory, InstantSource clock, Duration refreshInterval) {
    Objects.requireNonNull(clock, "clock");
    if (refreshInterval.isNegative()) {
      throw new IllegalArgumentException("refreshInterval: " + refreshInterval + " (expected: >= 0)");
    }
    try {
      Files.createDirectories(directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create token directory " + directory, e);
    }
    LocalTokenStore store = new LocalTokenStore(directory.toAbsolutePath(), clock, refreshInterval);
    store.index = store.scan();
    return store;
  }

  /**
   * Creates (or replaces) the token of {@code workload} running as {@code serviceAccount} in
   * {@code namespace} and returns the file holding it, ready to hand to that workload's proxy.
   * Replacing revokes the previous token of that workload.
   */
  public Path mint(String namespace, String serviceAccount, String workload) {
    Path file = fileFor(namespace, serviceAccount, workload);
    byte[] raw = new byte[TOKEN_BYTES];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    synchronized (lock) {
      writePrivate(file, token);
      index = scan();
    }
    return file;
  }

  /** Deletes the token of a workload; returns whether there was one. */
  public boolean revoke(String namespace, String serviceAccount, String workload) {
    Path file = fileFor(namespace, serviceAccount, workload);
    synchronized (lock) {
      try {
        boolean existed = Files.deleteIfExists(file);
        index = scan();
        return existed;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete token file " + file, e);
      }
    }
  }

  /** The file a workload's token lives in (whether or not it has been minted). */
  public Path fileFor(String namespace, String serviceAccount, String workload) {
    checkLabel("namespace", namespace);
    checkLabel("serviceAccount", serviceAccount);
    checkLabel("workload", workload);
    return directory.resolve(namespace).resolve(serviceAccount).resolve(workload + SUFFIX);
  }

  public Path directory() {
    return directory;
  }

  @Override
  public TokenValidation validate(byte[] token) {
    if (token.length > MAX_PRESENTED_TOKEN_BYTES) {
      return new TokenValidation.Malformed(
          "token is " + token.length + " bytes (expected: at most " + MAX_PRESENTED_TOKEN_BYTES + ")");
    }
    byte[] digest = sha256(trimTrailingWhitespace(token));
    Index current;
    try {
      current = freshIndex();
    } catch (UncheckedIOException e) {
      return new TokenValidation.Failed(e.getMessage() + ": " + e.getCause().getMessage());
    }
    Entry match = null;
    for (Entry entry : current.entries()) {
      // No early exit: every entry is compared, each in constant time.
      if (MessageDigest.isEqual(entry.digest(), digest)) {
        match = entry;
      }
    }
    if (match == null) {
      return new TokenValidation.Rejected("token is not known to this control plane");
    }
    return new TokenValidation.Authenticated(match.serviceAccount(), match.namespace());
  }

  private Index freshIndex() {
    Index current = index;
    if (!clock.instant().isBefore(current.readAt().plus(refreshInterval))) {
      synchronized (lock) {
        if (index == current) {
          index = scan();
        }
        current = index;
      }
    }
    return current;
  }

  /** Reads every {@code <ns>/<sa>/<workload>.token} under the directory; ignores anything else. */
  private Index scan() {
    Instant readAt = clock.instant();
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(directory, Files::isDirectory)) {
      for (Path ns : namespaces) {
        if (!isLabel(ns.getFileName().toString())) {
          continue;
        }
        try (DirectoryStream<Path> accounts = Files.newDirectoryStream(ns, Files::isDirectory)) {
          for (Path sa : accounts) {
            if (!isLabel(sa.getFileName().toString())) {
              continue;
            }
            try (DirectoryStream<Path> tokens = Files.newDirectoryStream(sa, "*" + SUFFIX)) {
              for (Path file : tokens) {
                byte[] value = readIfPresent(file);
                if (value != null && value.length > 0) {
                  entries.add(new Entry(sha256(trimTrailingWhitespace(value)),
                      sa.getFileName().toString(), ns.getFileName().toString()));
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token directory " + directory, e);
    }
    return new Index(List.copyOf(entries), readAt);
  }

  private static byte[] readIfPresent(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null; // deleted between listing and reading: simply not a token any more
    }
  }

  private static void writePrivate(Path file, String token) {
    try {
      var dirPermissions = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
      Files.createDirectories(file.getParent(), dirPermissions);
      // Created 0600 before the token is written, then renamed into place: never briefly readable by
      // others, and a reader never sees a half-written token.
      Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, token, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write token file " + file, e);
    }
  }

  private static byte[] trimTrailingWhitespace(byte[] value) {
    int end = value.length;
    while (end > 0 && (value[end - 1] == '\n' || value[end - 1] == '\r' || value[end - 1] == ' '
        || value[end - 1] == '\t')) {
      end--;
    }
    return end == value.length ? value : java.util.Arrays.copyOf(value, end);
  }

  private static byte[] sha256(byte[] value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static boolean isLabel(String value) {
    return !value.contains(".") && IdentityName.problemWith(value) == null;
  }

  private static void checkLabel(String what, String value) {
    Objects.requireNonNull(value, what);
    if (!isLabel(value)) {
      throw new IllegalArgumentException(
          what + ": '" + value + "' (expected: a DNS-1123 label: a-z, 0-9, '-', 1-63 characters)");
    }
  }

  private record Entry(byte[] digest, String serviceAccount, String namespace) {}

  private record Index(List<Entry> entries, Instant readAt) {}
}
