package dev.lattice.control.identity;

import dev.lattice.control.events.EventSink;
import dev.lattice.control.identity.issuer.IssuerReloader;
import dev.lattice.control.identity.issuer.ReloadResult;
import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.control.identity.token.TokenValidator;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity service as a running gRPC server (grpc-netty): loads the issuer, watches it, and
 * serves Certify until closed.
 *
 * <p>Start-up fails, with the reason, if the issuer cannot be loaded: like Linkerd's controller, a
 * control plane without a valid issuer is a configuration error to fix, not a state to serve.
 * Afterwards a bad issuer update is refused and the running issuer keeps signing.
 *
 * <p>Certify runs on gRPC's default worker executor, not on Netty's event loop, because signing and
 * token checks block.
 */
public final class IdentityServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdentityServer.class);
  // A CertifyRequest is an identity, a token and a ~300-byte CSR; refuse anything far larger up front.
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final Server server;
  private final IssuerReloader issuer;

  private IdentityServer(Server server, IssuerReloader issuer) {
    this.server = server;
    this.issuer = issuer;
  }

  /** Starts with the local token store in {@code config.tokenDirectory()}. */
  public static IdentityServer start(IdentityServerConfig config, InstantSource clock, EventSink events)
      throws IOException {
    return start(config, LocalTokenStore.open(config.tokenDirectory(), clock), clock, events);
  }

  /** Starts with any token validator (e.g. Kubernetes TokenReview). */
  public static IdentityServer start(
      IdentityServerConfig config, TokenValidator tokens, InstantSource clock, EventSink events) throws IOException {
    IdentityConfig identity = config.identity();
    IssuerReloader issuer = new IssuerReloader(
        config.issuer(), clock, events, IdentityEvents.controller(identity.controlPlaneNamespace()));
    try {
      if (issuer.reload() instanceof ReloadResult.Skipped(String reason)) {
        throw new IllegalStateException("cannot start the identity service: " + reason);
      }
      issuer.startWatching(config.issuerPollInterval(), config.issuerReloadDebounce());
      Certifier certifier = new Certifier(issuer, tokens, identity, clock, events);
      Server server = NettyServerBuilder.forAddress(config.listenAddress())
          .addService(new IdentityApi(certifier))
          .maxInboundMessageSize(MAX_REQUEST_BYTES)
          .build()
          .start();
      log.info("identity service listening on {} (issuance lifetime {}, clock skew allowance {}, trust domain {})",
          server.getListenSockets(), identity.issuanceLifetime(), identity.clockSkewAllowance(),
          identity.trustDomain());
      return new IdentityServer(server, issuer);
    } catch (IOException | RuntimeException e) {
      issuer.close();
      throw e;
    }
  }

  /**
   * Starts, then blocks until the process is asked to stop (SIGTERM / Ctrl-C), shutting down cleanly.
   * For a {@code main} or a CLI command.
   */
  public static void run(IdentityServerConfig config, InstantSource clock, EventSink events)
      throws IOException, InterruptedException {
    IdentityServer server = start(config, clock, events);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("identity-shutdown").unstarted(server::close));
    server.awaitTermination();
  }

  /** The bound address (useful with port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().getFirst();
  }

  public IssuerReloader issuer() {
    return issuer;
  }

  /** {@code issuer_cert_ttl_seconds}: seconds until the issuer in service expires. */
  public Optional<Long> issuerCertTtlSeconds() {
    return issuer.issuerTtl().map(Duration::toSeconds);
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, lets in-flight ones finish for up to 5 s, then stops watching the issuer. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      issuer.close();
    }
  }
}
