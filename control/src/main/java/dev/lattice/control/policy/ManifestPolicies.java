package dev.lattice.control.policy;

import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.Client;
import dev.lattice.policy.Decision;
import dev.lattice.policy.Evaluator;
import dev.lattice.policy.Request;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Offline policy from manifests, the path {@code lattice authz explain} takes: manifests → store
 * (admission) → {@link PolicyIndex} → {@link EffectivePolicy} → {@link Evaluator}. Tests of the
 * behaviour scenarios use it too, so they exercise exactly what the CLI runs.
 */
public final class ManifestPolicies {
  private final PolicyIndex index;

  private ManifestPolicies(PolicyIndex index) {
    this.index = index;
  }

  /**
   * Loads {@code resources} as {@code kubectl apply} would, in order: namespaces before the workloads
   * created in them.
   *
   * @throws dev.lattice.control.store.InvalidResourceException listing every invalid object
   */
  public static ManifestPolicies of(List<? extends Resource> resources, PolicyConfig config) {
    PolicyIndex index = new PolicyIndex(config);
    try (InMemoryStore store = InMemoryStore.of(resources); var watch = store.watch(index)) {
      return new ManifestPolicies(index);
    }
  }

  /**
   * Loads {@code steps} one after another, as consecutive {@code kubectl apply} runs: an object in a
   * later step replaces the one of an earlier step, and workloads inherit what their namespace said
   * when <em>their</em> step ran. Within a step, namespaces come first, since a pod cannot be created
   * before its namespace.
   *
   * @throws dev.lattice.control.store.InvalidResourceException listing every invalid object of the
   *     first step that has one
   */
  public static ManifestPolicies ofSteps(List<? extends List<? extends Resource>> steps, PolicyConfig config) {
    PolicyIndex index = new PolicyIndex(config);
    try (InMemoryStore store = new InMemoryStore(); var watch = store.watch(index)) {
      for (List<? extends Resource> step : steps) {
        List<Resource> ordered = new ArrayList<>(step);
        ordered.sort(Comparator.comparing(r -> !(r instanceof Namespace)));
        store.apply(ordered);
      }
      return new ManifestPolicies(index);
    }
  }

  /** Parses manifest files and loads them with {@link #ofSteps}, one file per step, in order. */
  public static ManifestPolicies loadEach(List<Path> files, PolicyConfig config) throws IOException {
    List<List<Resource>> steps = new ArrayList<>();
    for (Path f : files) {
      steps.add(ManifestParser.parse(f));
    }
    return ofSteps(steps, config);
  }

  /** Parses and loads manifest files. */
  public static ManifestPolicies load(List<Path> files, PolicyConfig config) throws IOException {
    List<Resource> all = new ArrayList<>();
    for (Path f : files) {
      all.addAll(ManifestParser.parse(f));
    }
    return of(all, config);
  }

  public static ManifestPolicies parse(String yaml, PolicyConfig config) {
    return of(ManifestParser.parse(yaml), config);
  }

  public PolicyIndex index() {
    return index;
  }

  /**
   * The workload {@code name} in {@code namespace}.
   *
   * @throws NoSuchElementException naming what is missing
   */
  public Workload workload(String namespace, String name) {
    return index.workload(namespace, name).orElseThrow(() -> new NoSuchElementException(
        "no workload (Pod) " + name + " in namespace " + namespace + " in the manifests"));
  }

  public EffectivePolicy portPolicy(String namespace, String workload, int port) {
    return index.portPolicy(workload(namespace, workload), port);
  }

  /** Explains a plain TCP connection ({@code request} null) or one HTTP request to the port. */
  public Decision explain(String namespace, String workload, int port, Client client, Request request) {
    Evaluator evaluator = Evaluator.of(portPolicy(namespace, workload, port).policy());
    return request == null ? evaluator.explain(client) : evaluator.explain(client, request);
  }
}
