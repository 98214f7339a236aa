/**
 * The {@code lattice identity} commands: create a trust anchor and an issuer, and inspect certificates.
 * They write CA keys only where the operator names a file, and never print a private key.
 */
package dev.lattice.cli.identity;
