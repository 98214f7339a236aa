package dev.lattice.local.state;

import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.mesh.MeshSpec;
import dev.lattice.local.mesh.ServiceSpec;
import dev.lattice.local.mesh.WorkloadSpec;
import dev.lattice.local.netns.Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code lattice up} built, persisted as {@code mesh.json} and rewritten after every step, so
 * {@code lattice down} removes exactly that even after {@code up} failed halfway or its process died.
 *
 * @param meshId short id in every namespace name of this mesh
 * @param network workload range; {@code serviceNetwork} the virtual-IP range
 * @param workloads / services the spec the mesh was built from (the supervisor runs it)
 * @param namespaces network namespaces created, oldest first
 * @param files files and directories created outside the state directory ({@code /etc/netns/…})
 * @param expose {@code ns/name:port} the port-forward leads to, or empty
 * @param exposeListen {@code 127.0.0.1:port} the port-forward listens on once known, or empty
 * @param startedAtMillis when up started
 */
public record MeshRecord(
    String meshId,
    String network,
    String serviceNetwork,
    List<WorkloadSpec> workloads,
    List<ServiceSpec> services,
    List<String> namespaces,
    List<String> files,
    String expose,
    String exposeListen,
    long startedAtMillis) {
  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  public MeshRecord {
    workloads = List.copyOf(workloads);
    services = List.copyOf(services);
    namespaces = List.copyOf(namespaces);
    files = List.copyOf(files);
    expose = expose == null ? "" : expose;
    exposeListen = exposeListen == null ? "" : exposeListen;
  }

  public static MeshRecord fresh(String meshId, MeshSpec spec, String expose, long startedAtMillis) {
    return new MeshRecord(meshId, spec.network().toString(), spec.serviceNetwork().toString(), spec.workloads(),
        spec.services(), List.of(), List.of(), expose, "", startedAtMillis);
  }

  public MeshSpec spec() {
    return new MeshSpec(Cidr.parse(network), Cidr.parse(serviceNetwork), workloads, services);
  }

  public MeshLayout layout() {
    return MeshLayout.of(meshId, spec());
  }

  public MeshRecord withNamespace(String ns) {
    List<String> all = new ArrayList<>(namespaces);
    all.add(ns);
    return new MeshRecord(meshId, network, serviceNetwork, workloads, services, all, files, expose, exposeListen,
        startedAtMillis);
  }

  public MeshRecord withFile(String file) {
    List<String> all = new ArrayList<>(files);
    all.add(file);
    return new MeshRecord(meshId, network, serviceNetwork, workloads, services, namespaces, all, expose, exposeListen,
        startedAtMillis);
  }

  public MeshRecord withExposeListen(String listen) {
    return new MeshRecord(meshId, network, serviceNetwork, workloads, services, namespaces, files, expose, listen,
        startedAtMillis);
  }

  /** Writes atomically (temp file + rename): a reader never sees half a record. */
  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, JSON.writeValueAsString(this));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The record in {@code file}, or empty when there is none (no mesh is up). */
  public static Optional<MeshRecord> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(Files.readString(file), MeshRecord.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (JacksonException e) {
      throw new IllegalStateException(file + " is damaged (" + e.getOriginalMessage()
          + "); remove the mesh's namespaces by hand (ip netns list | grep lattice-) and delete the file", e);
    }
  }
}
