package dev.lattice.local.up;

import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.Resource;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.mesh.MeshResources;
import dev.lattice.local.netns.IpCommands;
import dev.lattice.local.netns.NetworkNamespace;
import dev.lattice.local.netns.ScratchNamespaces;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.state.PidFiles;
import dev.lattice.local.state.StateDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code lattice down}: removes exactly what {@code mesh.json} says {@code up} created, newest first:
 * processes (the supervisor, then any child it left), network namespaces (with their links, addresses
 * and iptables rules), {@code /etc/netns} files, the mesh's store records, tokens and runtime copies.
 * The trust anchor, issuer, logs and JVM archives ({@code cache/}) stay.
 */
public final class MeshDown {
  private final CommandRunner runner;
  private final Consumer<String> out;

  public MeshDown(CommandRunner runner, Consumer<String> out) {
    this.runner = runner;
    this.out = out;
  }

  /** Returns false when nothing was up. */
  public boolean run(StateDir dir) {
    Optional<MeshRecord> found = MeshRecord.read(dir.meshRecord());
    if (found.isEmpty()) {
      return false;
    }
    MeshRecord record = found.get();
    stopProcesses(dir);
    List<String> namespaces = new ArrayList<>(record.namespaces());
    Collections.reverse(namespaces);
    List<String> present = ScratchNamespaces.list(runner).stream().map(NetworkNamespace::name).toList();
    int removed = 0;
    List<String> failures = new ArrayList<>();
    for (String ns : namespaces) {
      if (!present.contains(ns)) {
        continue;
      }
      var result = runner.run(IpCommands.deleteNamespace(new NetworkNamespace(ns)));
      if (result.succeeded()) {
        removed++;
      } else {
        failures.add(ns + ": " + result.stderr().strip());
      }
    }
    out.accept("removed " + removed + " network namespaces (with their links, addresses and iptables rules)");
    for (String file : record.files()) {
      try {
        MeshUp.deleteTree(Path.of(file));
      } catch (IOException e) {
        failures.add(file + ": " + e.getMessage());
      }
    }
    out.accept("removed " + record.files().size() + " /etc/netns entries");
    removeRecords(dir, record, failures);
    try {
      for (Path p : List.of(dir.run(), dir.workloads(), dir.runtime())) {
        MeshUp.deleteTree(p);
      }
    } catch (IOException e) {
      failures.add(e.getMessage());
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not remove everything (mesh.json kept, run down again): "
          + String.join("; ", failures));
    }
    try {
      Files.deleteIfExists(dir.meshRecord());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir.meshRecord(), e);
    }
    return true;
  }

  private void stopProcesses(StateDir dir) {
    PidFiles pids = new PidFiles(dir.pids());
    Optional<ProcessHandle> supervisor = pids.live("supervisor");
    if (supervisor.isPresent()) {
      // SIGTERM: the supervisor stops apps, proxies and the control plane in order.
      supervisor.get().destroy();
      if (!await(supervisor.get(), Duration.ofSeconds(20))) {
        supervisor.get().destroyForcibly();
        await(supervisor.get(), Duration.ofSeconds(2));
      }
      out.accept("stopped the supervisor (pid " + supervisor.get().pid() + ") and the processes it owned");
    }
    int leftovers = 0;
    for (String name : pids.names()) {
      Optional<ProcessHandle> p = pids.live(name);
      if (p.isPresent()) {
        leftovers++;
        p.get().destroy();
        if (!await(p.get(), Duration.ofSeconds(5))) {
          p.get().destroyForcibly();
          await(p.get(), Duration.ofSeconds(2));
        }
      }
    }
    if (leftovers > 0) {
      out.accept("stopped " + leftovers + " leftover processes");
    }
  }

  private void removeRecords(StateDir dir, MeshRecord record, List<String> failures) {
    MeshLayout layout = record.layout();
    List<Resource> resources = MeshResources.of(layout);
    try (LocalStore store = LocalStore.open(dir.root(), Duration.ZERO)) {
      // Namespaces last: only those up created, and only records that carry this mesh's label.
      List<dev.lattice.control.store.ResourceRef> refs = new ArrayList<>(resources.stream()
          .map(Resource::ref).filter(r -> r.kind() != dev.lattice.control.store.Kind.NAMESPACE).toList());
      resources.stream().map(Resource::ref).filter(r -> r.kind() == dev.lattice.control.store.Kind.NAMESPACE)
          .forEach(refs::add);
      store.delete(refs);
      out.accept("removed " + refs.size() + " store records");
    } catch (IOException | RuntimeException e) {
      failures.add("store: " + e.getMessage());
    }
    if (Files.isDirectory(dir.tokens())) {
      LocalTokenStore tokens = LocalTokenStore.open(dir.tokens(), InstantSource.system());
      for (MeshLayout.Placed w : layout.workloads()) {
        tokens.revoke(w.spec().namespace(), w.spec().serviceAccount(), w.spec().name());
      }
    }
  }

  private static boolean await(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return !process.isAlive();
    }
  }
}
