/**
 * The identity issuer the service signs with: loaded from files, validated against the trust anchors,
 * and swapped atomically when the files change, without a restart.
 *
 * <p>An issuer that fails validation never replaces the one in service. The issuer's private key is
 * held in memory only; it is never logged or written from here.
 */
package dev.lattice.control.identity.issuer;
