/**
 * The control plane's view of the mesh: resource records (Namespace, ServiceAccount, Workload, Service),
 * their YAML form and validation, and the {@link dev.lattice.control.store.Store} that lists and watches
 * them. Nothing here may depend on Kubernetes client types: other packages see only these records.
 */
package dev.lattice.control.store;
