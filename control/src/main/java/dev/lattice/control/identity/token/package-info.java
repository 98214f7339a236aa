/**
 * Who is asking for a certificate: {@link dev.lattice.control.identity.token.TokenValidator} turns the
 * token a proxy presents into a service account and namespace. Kubernetes TokenReview is one
 * implementation (later); {@link dev.lattice.control.identity.token.LocalTokenStore} is the local mesh's.
 *
 * <p>Token values are secrets: this package never logs them, never puts them in a message, and
 * compares them only in constant time.
 */
package dev.lattice.control.identity.token;
