package dev.lattice.control.store;

import java.util.Map;

/** One object of the mesh's model. The set of kinds is closed: see {@link Kind}. */
public sealed interface Resource permits Namespace, ServiceAccount, Workload, Service, PolicyResource {
  ResourceRef ref();

  Map<String, String> labels();

  Map<String, String> annotations();

  default Kind kind() {
    return ref().kind();
  }
}
