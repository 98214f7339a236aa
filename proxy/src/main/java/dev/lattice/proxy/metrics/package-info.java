/**
 * Prometheus metrics in the proxy's vocabulary. Families are created once; a layer resolves its
 * label set to a child once (per connection or per target) and then only increments it, so the hot
 * path never builds strings or takes locks. Rendering happens only when {@code /metrics} is scraped.
 */
package dev.lattice.proxy.metrics;
