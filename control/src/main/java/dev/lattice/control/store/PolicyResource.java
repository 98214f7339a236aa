package dev.lattice.control.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * An inbound policy object (Server, ServerAuthorization, AuthorizationPolicy, the two authentications,
 * HTTPRoute, GRPCRoute) as the store holds it: metadata plus the {@code spec} tree as written. The
 * typed, validated form is {@code dev.lattice.control.policy}'s business; the store only keeps the
 * object and lets {@link ResourceValidator} reject invalid ones.
 *
 * @param created {@code metadata.creationTimestamp}, or null when the manifest has none; Server and
 *     route precedence compare it
 */
public record PolicyResource(
    Kind kind,
    String apiVersion,
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    Instant created,
    JsonNode spec)
    implements Resource {

  public PolicyResource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (!kind.isPolicy()) {
      throw new IllegalArgumentException(kind.manifestKind() + " is not a policy kind");
    }
    labels = Maps.sortedCopy(labels);
    annotations = Maps.sortedCopy(annotations);
    spec = spec == null ? Yaml.MAPPER.missingNode() : spec.deepCopy(); // a private copy: records stay immutable
  }

  @Override
  public ResourceRef ref() {
    return new ResourceRef(kind, namespace, name);
  }

  /** The spec tree; a copy, so callers cannot change the stored object. */
  @Override
  public JsonNode spec() {
    return spec.deepCopy();
  }

  /** Parses a single policy manifest, e.g. in tests. */
  public static PolicyResource parse(String yaml) {
    return (PolicyResource) ManifestParser.parse(yaml).getFirst();
  }
}
