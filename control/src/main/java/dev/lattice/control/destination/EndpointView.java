package dev.lattice.control.destination;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** What a watched service looks like now. */
public sealed interface EndpointView {
  /** The service exists; {@code endpoints} may be empty. {@code setLabels} apply to all of them. */
  record Endpoints(Map<String, String> setLabels, SortedMap<Endpoint.Address, Endpoint> endpoints)
      implements EndpointView {
    public Endpoints {
      setLabels = Map.copyOf(setLabels);
      endpoints = Collections.unmodifiableSortedMap(new TreeMap<>(endpoints));
    }
  }

  /** The service was deleted while watched. */
  record NoService() implements EndpointView {}
}
