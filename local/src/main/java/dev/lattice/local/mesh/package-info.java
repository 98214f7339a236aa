/**
 * What a local mesh consists of: workloads and services (from {@code mesh.yaml} or the built-in demo),
 * the addresses they get, their {@code /etc/hosts} and the store records that describe them.
 *
 * <p>Pure data and functions: nothing here runs a command, opens a socket or writes a file.
 */
package dev.lattice.local.mesh;
