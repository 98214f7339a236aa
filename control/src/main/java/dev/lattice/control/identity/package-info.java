/**
 * The identity service: Linkerd's {@code Identity/Certify} API. A proxy sends its identity, a token
 * and a CSR; the service checks them in Linkerd's order and signs a short-lived leaf with the issuer
 * in service.
 *
 * <pre>
 *   IdentityServer (grpc-netty) ─► IdentityApi (proto ⇄ outcome ⇄ gRPC status)
 *                                     └► Certifier (checks, signs) ─► IssuerSource, TokenValidator, EventSink
 * </pre>
 *
 * <p>It never sees a workload's private key (only the CSR's public key) and never signs anything
 * whose name, signature or token did not check out.
 */
package dev.lattice.control.identity;
