package dev.lattice.cli.mesh;

import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.Workload;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.netns.NamespaceSockets;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.state.PidFiles;
import dev.lattice.local.supervise.Probes;
import dev.lattice.local.supervise.ProxyLaunch;
import dev.lattice.local.up.Preflight;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lattice status}: the mesh's workloads with namespace, address, proxy readiness and identity. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the local mesh: each workload's namespace, address, whether its proxy answers /ready, "
        + "whether its app is Ready, its identity and network namespace. Proxy readiness needs root."})
public final class StatusCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StateDirOption state;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    var dir = state.dir();
    Optional<MeshRecord> found = MeshRecord.read(dir.meshRecord());
    if (found.isEmpty()) {
      out.println("no mesh is up in " + dir.root() + " (start one with lattice up)");
      out.flush();
      return 1;
    }
    MeshRecord record = found.get();
    MeshLayout layout = record.layout();
    PidFiles pids = new PidFiles(dir.pids());
    out.printf("mesh %s, up since %s, state %s%n", record.meshId(), Instant.ofEpochMilli(record.startedAtMillis()),
        dir.root());
    out.printf("supervisor: %s; control plane: %s at %s:8080 (identity), :8086 (destination)%n",
        describe(pids, "supervisor"), describe(pids, "control-plane"), layout.bridgeAddress().getHostAddress());
    if (!record.exposeListen().isEmpty()) {
      out.printf("port-forward: http://%s/ -> %s%n", record.exposeListen(), record.expose().replaceAll("@.*", ""));
    }
    out.println();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAMESPACE", "WORKLOAD", "IP", "PROXY", "APP", "IDENTITY", "NETNS"});
    boolean root = Preflight.isRoot();
    try (LocalStore store = LocalStore.open(dir.root(), Duration.ZERO);
        NamespaceSockets sockets = root ? new NamespaceSockets() : null) {
      Probes probes = sockets == null ? null : new Probes(sockets);
      for (MeshLayout.Placed w : layout.workloads()) {
        Optional<Workload> pod = store.snapshot().workloads().stream()
            .filter(p -> p.namespace().equals(w.spec().namespace()) && p.name().equals(w.spec().name())).findFirst();
        String proxy = !w.spec().meshed() ? "-" : probes == null ? "? (needs root)"
            : probes.proxyReady(w.netns()) ? "ready" : "not ready";
        String app = pod.isEmpty() ? "deleted" : pod.get().ready() ? "ready" : "not ready";
        String identity = w.spec().meshed()
            ? ProxyLaunch.identity(w.spec().serviceAccount(), w.spec().namespace()).value() : "(not meshed)";
        rows.add(new String[] {w.spec().namespace(), w.spec().name(), w.address().getHostAddress(), proxy, app,
            identity, w.netns().name()});
      }
    }
    print(out, rows);
    return 0;
  }

  private static String describe(PidFiles pids, String name) {
    return pids.live(name).map(p -> "running (pid " + p.pid() + ")").orElse("NOT RUNNING");
  }

  private static void print(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.getFirst().length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
