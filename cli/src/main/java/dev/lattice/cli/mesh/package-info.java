/**
 * The local mesh commands: {@code up}, {@code down}, {@code status}, {@code apply}, {@code delete},
 * and the internal {@code control-plane} and {@code supervise} processes {@code up} starts.
 *
 * <p>They must never leave the host's network namespace changed: all of that lives in the local module.
 */
package dev.lattice.cli.mesh;
