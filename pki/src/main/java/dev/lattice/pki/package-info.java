/**
 * Workload identity cryptography: identity names, P-256 keys, PKCS#10 requests, the certificate
 * authority that turns a request into a leaf, trust-anchor verification and PEM I/O.
 *
 * <p>Pure and synchronous; it never opens a socket. Private keys are only ever held in memory by the
 * caller that generated them; the one place that writes a key ({@link Pem#writePrivateKey}) is for
 * the CA's own keys, which an operator asks for explicitly.
 *
 * <p>What the proxy calls ({@link Pem}'s readers and writers except {@code encodeCsr},
 * {@link CertificateRequests#create}, {@link KeyPairs}, {@link TrustBundle}, {@link Certificates}) must
 * never load a BouncyCastle class: its signed jar would pin megabytes of manifest in every sidecar's
 * heap. {@code ProxySideLoadsNoBouncyCastleTest} holds that line.
 */
package dev.lattice.pki;
