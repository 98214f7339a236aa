package dev.lattice.proxy.identity;

import com.google.protobuf.ByteString;
import dev.lattice.api.identity.CertifyRequest;
import dev.lattice.api.identity.CertifyResponse;
import dev.lattice.api.identity.IdentityGrpc;
import dev.lattice.pki.CertificateRequests;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.PkiException;
import dev.lattice.proxy.control.ControlChannel;
import dev.lattice.proxy.metrics.MetricsRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains and renews this proxy's certificate from the identity service, and serves it to the TLS
 * layers as a {@link CredentialSource}.
 *
 * <p>On {@link #start()} it generates an ECDSA P-256 key, which stays in this object's memory for
 * the life of the process: it is never written, logged or sent (only the CSR it signs is). It then
 * calls {@code Certify} with the CSR and the token file's current contents, checks that the answer
 * chains to the trust anchors, names this proxy's identity and carries this proxy's key, and only
 * then installs it and tells subscribers. Refreshes follow {@link RefreshPolicy}.
 *
 * <p>Attempts never overlap: the next one is scheduled only when the previous one has finished.
 * {@code Certify} goes over plaintext gRPC for now.
 * TODO: TLS to the identity service, verifying it presents {@link IdentityConfig#serviceName()}.
 */
public final class IdentityClient implements CredentialSource, AutoCloseable {
  static final Duration WAITING_WARNING_INTERVAL = Duration.ofSeconds(15);
  static final Duration CERTIFY_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(IdentityClient.class);

  private final IdentityConfig config;
  private final InstantSource clock;
  private final Scheduler scheduler;
  private final ScheduledExecutorService ownedExecutor;
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final RefreshPolicy policy;
  private final IdentityMetrics metrics;
  private final CompletableFuture<Credentials> certified = new CompletableFuture<>();

  private final Object lock = new Object();
  // Guarded by lock.
  private final List<Consumer<Credentials>> listeners = new ArrayList<>();
  private boolean started;
  private boolean closed;
  private int consecutiveFailures;
  private Scheduler.Cancellable pendingAttempt;
  private Scheduler.Cancellable waitingWarning;
  private Instant nextAttemptAt;

  private volatile Credentials current;
  // Written once by start(), before the first attempt; read by attempts.
  private volatile KeyPair keys;
  private volatile byte[] csr;

  public static Builder builder(IdentityConfig config) {
    return new Builder(config);
  }

  /**
   * Generates the key and makes the first {@code Certify} call; returns without waiting for it. Use
   * {@link #certified()} to wait for the first certificate.
   */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("identity client is closed");
      }
      if (started) {
        throw new IllegalStateException("identity client already started");
      }
      started = true;
      keys = KeyPairs.generateP256();
      csr = CertificateRequests.create(config.localName(), keys);
      waitingWarning = scheduler.schedule(WAITING_WARNING_INTERVAL, this::warnIfWaiting);
    }
    if (!config.serviceAddress().isLoopback()) {
      log.warn("Calling the identity service at {} without TLS; TLS to the control plane is not implemented yet",
          config.serviceAddress());
    }
    attempt();
  }

  @Override
  public Optional<Credentials> current() {
    return Optional.ofNullable(current);
  }

  /** Listeners run one at a time, in the order certificates are installed; keep them quick. */
  @Override
  public void subscribe(Consumer<Credentials> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      listeners.add(listener);
      Credentials now = current;
      if (now != null) {
        notify(listener, now);
      }
    }
  }

  /**
   * Completes with the first installed certificate; the data plane waits on this before serving.
   * Completes exceptionally if the client is closed first.
   */
  public CompletableFuture<Credentials> certified() {
    return certified.copy();
  }

  public IdentityName identity() {
    return config.localName();
  }

  /** Stops refreshing and releases the gRPC channel. The current credentials stay readable. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      cancel(pendingAttempt);
      cancel(waitingWarning);
    }
    if (ownsChannel) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    certified.completeExceptionally(new IllegalStateException("identity client closed before it was certified"));
  }

  /** When the next {@code Certify} call is due; empty while one is in flight. For tests. */
  Optional<Instant> nextAttemptAt() {
    synchronized (lock) {
      return Optional.ofNullable(nextAttemptAt);
    }
  }

  private IdentityClient(Builder builder) {
    this.config = builder.config;
    this.clock = builder.clock;
    if (builder.scheduler != null) {
      this.scheduler = builder.scheduler;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("lattice-identity").daemon().factory());
      this.scheduler = Scheduler.of(ownedExecutor);
    }
    if (builder.channel != null) {
      this.channel = builder.channel;
      this.ownsChannel = false;
    } else {
      this.channel = ControlChannel.dial(config.serviceAddress().host(), config.serviceAddress().port(), builder.metrics);
      this.ownsChannel = true;
    }
    this.policy = new RefreshPolicy(config.minRefresh(), config.maxRefresh(), builder.random);
    this.metrics = new IdentityMetrics(builder.metrics);
  }

  private void attempt() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      pendingAttempt = null;
      nextAttemptAt = null;
    }
    byte[] token;
    try {
      // Re-read every time: the kubelet rotates projected tokens in place.
      token = Files.readAllBytes(config.tokenFile());
    } catch (IOException e) {
      failed("cannot read token file " + config.tokenFile() + ": " + e);
      return;
    }
    if (token.length == 0) {
      failed("token file " + config.tokenFile() + " is empty");
      return;
    }
    CertifyRequest request = CertifyRequest.newBuilder()
        .setIdentity(config.localName().value())
        .setToken(ByteString.copyFrom(token))
        .setCertificateSigningRequest(ByteString.copyFrom(csr))
        .build();
    try {
      IdentityGrpc.newStub(channel)
          .withDeadlineAfter(CERTIFY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .certify(request, new CertifyObserver());
    } catch (RuntimeException e) {
      failed("cannot call the identity service: " + e);
    }
  }

  private void received(CertifyResponse response) {
    Instant now = clock.instant();
    List<X509Certificate> chain;
    try {
      chain = validate(response, now);
    } catch (PkiException | CertificateException e) {
      failed("refused the certificate: " + e.getMessage());
      return;
    }
    install(new Credentials(config.localName(), keys.getPrivate(), chain, config.trustAnchors()), now);
  }

  /** Everything that must hold before a certificate is used; throws saying which check failed. */
  private List<X509Certificate> validate(CertifyResponse response, Instant now) throws CertificateException {
    if (response.getLeafCertificate().isEmpty()) {
      throw new PkiException("the response has no leaf certificate");
    }
    if (!response.hasValidUntil()) {
      throw new PkiException("the response has no valid_until");
    }
    Instant validUntil = Instant.ofEpochSecond(response.getValidUntil().getSeconds(), response.getValidUntil().getNanos());
    if (!validUntil.isAfter(now)) {
      throw new PkiException("certificate already expired (valid until " + validUntil + ")");
    }
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(parse(factory, response.getLeafCertificate()));
    for (ByteString intermediate : response.getIntermediateCertificatesList()) {
      chain.add(parse(factory, intermediate));
    }
    // A leaf for someone else's key would make every handshake fail; catch it here instead.
    if (!chain.getFirst().getPublicKey().equals(keys.getPublic())) {
      throw new PkiException("the leaf certifies a different key than the one this proxy generated");
    }
    config.trustAnchors().verifyIdentity(chain, config.localName(), now);
    return chain;
  }

  private void install(Credentials credentials, Instant now) {
    Duration delay;
    synchronized (lock) {
      if (closed) {
        return;
      }
      current = credentials;
      consecutiveFailures = 0;
      cancel(waitingWarning);
      waitingWarning = null;
      metrics.certified(credentials.notAfter(), now);
      for (Consumer<Credentials> listener : listeners) {
        notify(listener, credentials);
      }
      delay = policy.afterSuccess(now, credentials.notAfter());
      scheduleAttempt(now, delay);
    }
    certified.complete(credentials);
    log.info("Certified identity {} (valid until {}; refreshing in {})",
        config.localName(), credentials.notAfter(), delay);
  }

  private void failed(String reason) {
    Duration delay;
    synchronized (lock) {
      if (closed) {
        return;
      }
      consecutiveFailures++;
      metrics.failed();
      Instant now = clock.instant();
      Credentials held = current;
      delay = policy.afterFailure(consecutiveFailures, now, Optional.ofNullable(held).map(Credentials::notAfter));
      scheduleAttempt(now, delay);
    }
    log.warn("Failed to certify identity {}: {}; retrying in {}", config.localName(), reason, delay);
  }

  private void scheduleAttempt(Instant now, Duration delay) {
    nextAttemptAt = now.plus(delay);
    pendingAttempt = scheduler.schedule(delay, this::attempt);
  }

  private void warnIfWaiting() {
    synchronized (lock) {
      if (closed || current != null) {
        return;
      }
      waitingWarning = scheduler.schedule(WAITING_WARNING_INTERVAL, this::warnIfWaiting);
    }
    log.warn("Waiting for identity to be initialized...");
  }

  private static X509Certificate parse(CertificateFactory factory, ByteString der) throws CertificateException {
    return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der.toByteArray()));
  }

  private static void notify(Consumer<Credentials> listener, Credentials credentials) {
    try {
      listener.accept(credentials);
    } catch (RuntimeException e) {
      // One broken subscriber must not stop the others or the refresh loop.
      log.error("Credentials subscriber {} failed", listener, e);
    }
  }

  private static void cancel(Scheduler.Cancellable task) {
    if (task != null) {
      task.cancel();
    }
  }

  private static String describe(Throwable error) {
    Status status = Status.fromThrowable(error);
    StringBuilder out = new StringBuilder("identity service call failed: ").append(status.getCode());
    if (status.getDescription() != null) {
      out.append(": ").append(status.getDescription());
    }
    if (status.getCause() != null && status.getCause().getMessage() != null) {
      out.append(" (").append(status.getCause().getMessage()).append(')');
    }
    return out.toString();
  }

  /** Collects the unary answer; callbacks arrive on a gRPC executor thread. */
  private final class CertifyObserver implements StreamObserver<CertifyResponse> {
    private CertifyResponse response;

    @Override
    public void onNext(CertifyResponse value) {
      response = value;
    }

    @Override
    public void onError(Throwable error) {
      failed(describe(error));
    }

    @Override
    public void onCompleted() {
      if (response == null) {
        failed("identity service returned no response");
        return;
      }
      try {
        received(response);
      } catch (RuntimeException e) {
        // Keep the loop alive whatever went wrong; the next attempt is scheduled by failed().
        failed("unexpected error handling the response: " + e);
      }
    }
  }

  /** Options for {@link IdentityClient}; only the config is required. */
  public static final class Builder {
    private final IdentityConfig config;
    private MetricsRegistry metrics = new MetricsRegistry();
    private InstantSource clock = InstantSource.system();
    private Scheduler scheduler;
    private RandomGenerator random = RandomGenerator.getDefault();
    private ManagedChannel channel;

    private Builder(IdentityConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Where the identity series go; the proxy's one registry. */
    public Builder metrics(MetricsRegistry metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** The clock certificates are checked against and refreshes computed from. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Defaults to a single daemon thread, in real time. Must use the same time as {@link #clock}. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Source of retry jitter. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** A channel to the identity service; the caller keeps ownership. Defaults to one built from the config. */
    public Builder channel(ManagedChannel channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    public IdentityClient build() {
      return new IdentityClient(this);
    }
  }
}
