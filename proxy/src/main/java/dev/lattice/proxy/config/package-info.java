/**
 * The proxy's configuration as records, parsed once from a {@code Map<String,String>} environment;
 * every bad variable is reported at once. Never reads the process environment itself.
 */
package dev.lattice.proxy.config;
