package dev.lattice.local.up;

import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.Resource;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.exec.Executables;
import dev.lattice.local.mesh.HostsFile;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.mesh.MeshResources;
import dev.lattice.local.mesh.MeshSpec;
import dev.lattice.local.netns.NetworkPlan;
import dev.lattice.local.proxyinit.ProxyInitApplier;
import dev.lattice.local.proxyinit.ProxyInitConfig;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.state.PidFiles;
import dev.lattice.local.state.StateDir;
import dev.lattice.local.supervise.Progress;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code lattice up}: checks, then builds the mesh one step at a time, recording each created thing
 * in {@code mesh.json} before moving on, and hands the running of processes to a detached
 * {@code lattice supervise}, whose progress it relays until every workload is ready. On any failure it
 * removes what it created ({@link MeshDown}) and reports why.
 */
public final class MeshUp {
  /** What {@code up} was asked to do. */
  public record Options(StateDir dir, MeshSpec spec, Optional<MeshPki.External> pki, String expose, Duration timeout) {}

  /** The outcome: how long it took and where things are. */
  public record Result(Duration elapsed, MeshRecord record) {}

  private final CommandRunner runner;
  private final Installation installation;
  private final InstantSource clock;
  private final Consumer<String> out;

  public MeshUp(CommandRunner runner, Installation installation, InstantSource clock, Consumer<String> out) {
    this.runner = runner;
    this.installation = installation;
    this.clock = clock;
    this.out = out;
  }

  public Result run(Options options) {
    Instant began = clock.instant();
    StateDir dir = options.dir();
    Preflight.check(dir, installation, options.spec());
    String meshId = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
    MeshLayout layout = MeshLayout.of(meshId, options.spec());
    Recorder recorder = new Recorder(dir, MeshRecord.fresh(meshId, options.spec(), options.expose(), began.toEpochMilli()));
    try {
      out.accept("identity: " + MeshPki.ensure(dir, options.pki(), clock.instant()));
      copyProxyRuntime(dir);
      out.accept("proxy runtime: " + dir.runtime().resolve("proxy") + " (readable by uid " + ProxyInitConfig.PROXY_UID + ")");
      buildNetwork(layout, recorder);
      writeStore(dir, layout);
      startSupervisor(dir);
      relayProgress(dir, options.timeout());
      Duration elapsed = Duration.between(began, clock.instant());
      return new Result(elapsed, MeshRecord.read(dir.meshRecord()).orElseThrow());
    } catch (RuntimeException e) {
      out.accept("up failed: " + e.getMessage());
      out.accept("removing what was created (logs stay in " + dir.logs() + ")");
      try {
        new MeshDown(runner, out).run(dir);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** The mesh's namespace and bridge, then every workload's namespace, link, address, hosts file and rules. */
  void buildNetwork(MeshLayout layout, Recorder recorder) {
    MeshSpec spec = layout.spec();
    NetworkPlan mesh = NetworkPlan.using(runner);
    mesh.namespace(layout.meshNamespace());
    recorder.namespace(layout.meshNamespace().name());
    mesh.bridge(layout.meshNamespace(), MeshLayout.BRIDGE);
    mesh.address(layout.meshNamespace(), MeshLayout.BRIDGE, layout.bridgeCidr());
    out.accept("network: namespace " + layout.meshNamespace() + ", bridge " + MeshLayout.BRIDGE + " "
        + layout.bridgeCidr() + " (workloads " + spec.network() + ", service VIPs " + spec.serviceNetwork()
        + "; nothing in the host's namespace)");
    // Workloads are independent: build them in parallel, one plan (and thread) each.
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> lines = new ArrayList<>();
      for (MeshLayout.Placed w : layout.workloads()) {
        lines.add(executor.submit(() -> buildWorkload(layout, w, recorder)));
      }
      for (Future<String> line : lines) {
        out.accept(line.get());
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the network", e);
    }
  }

  private String buildWorkload(MeshLayout layout, MeshLayout.Placed w, Recorder recorder) throws IOException {
    NetworkPlan plan = NetworkPlan.using(runner);
    plan.namespace(w.netns());
    recorder.namespace(w.netns().name());
    plan.vethPair(w.netns(), MeshLayout.WORKLOAD_LINK, layout.meshNamespace(), w.bridgePort());
    plan.attach(layout.meshNamespace(), w.bridgePort(), MeshLayout.BRIDGE);
    plan.address(w.netns(), MeshLayout.WORKLOAD_LINK, w.cidr(layout.spec()));
    // A route for the virtual IPs: the app's connection to a VIP needs one to be routed at all, and
    // proxy-init's OUTPUT rule then redirects it to the outbound proxy before it leaves.
    plan.route(w.netns(), layout.spec().serviceNetwork(), MeshLayout.WORKLOAD_LINK);
    Path hostsDir = Path.of("/etc/netns", w.netns().name());
    recorder.file(hostsDir.toString());
    Files.createDirectories(hostsDir);
    Files.writeString(hostsDir.resolve("hosts"), HostsFile.render(layout, w));
    String rules = "not meshed: no proxy-init rules";
    if (w.spec().meshed()) {
      // IPv4 only: the mesh's namespaces have no IPv6 addresses besides loopback.
      ProxyInitApplier.inNamespace(runner, w.netns()).install(ProxyInitConfig.defaults().withIpv6(false));
      rules = "proxy-init rules installed";
    }
    return "workload " + w.spec().qualifiedName() + ": namespace " + w.netns() + ", " + w.address().getHostAddress()
        + ", /etc/netns/" + w.netns() + "/hosts, " + rules;
  }

  private void writeStore(StateDir dir, MeshLayout layout) {
    List<Resource> resources = MeshResources.of(layout);
    try (LocalStore store = LocalStore.open(dir.root(), Duration.ZERO)) {
      store.apply(resources);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the store in " + dir.root(), e);
    }
    StringBuilder vips = new StringBuilder();
    for (MeshLayout.PlacedService s : layout.services()) {
      vips.append(vips.isEmpty() ? "" : ", ").append(s.spec().name()).append('.').append(s.spec().namespace())
          .append('=').append(s.virtualIp().getHostAddress());
    }
    out.accept("store: " + resources.size() + " records in " + dir.root().resolve("resources") + " (services: " + vips + ")");
  }

  private void startSupervisor(StateDir dir) {
    List<String> argv = new ArrayList<>();
    // Its own session: a Ctrl-C in the shell that ran up must not stop the mesh.
    argv.add(Executables.require("setsid", "util-linux").toString());
    argv.addAll(installation.lattice(Optional.of(dir.cache().resolve("supervise.jsa")),
        "supervise", "--state-dir", dir.root().toString()));
    try {
      Files.createDirectories(dir.logs());
      Files.createDirectories(dir.run());
      Files.deleteIfExists(dir.progress());
      Process process = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.log("supervise").toFile()))
          .redirectErrorStream(true)
          .start();
      new PidFiles(dir.pids()).record("supervisor", process.toHandle());
      out.accept("supervisor: pid " + process.pid() + " owns the mesh's processes (log " + dir.log("supervise") + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start lattice supervise", e);
    }
  }

  private void relayProgress(StateDir dir, Duration timeout) {
    Instant deadline = clock.instant().plus(timeout);
    PidFiles pids = new PidFiles(dir.pids());
    int seen = 0;
    while (true) {
      List<String> lines = readLines(dir.progress());
      for (; seen < lines.size(); seen++) {
        Progress.Event event = Progress.parse(lines.get(seen));
        if (event == null) {
          continue;
        }
        switch (event.kind()) {
          case STEP -> out.accept(event.text());
          case READY -> {
            out.accept(event.text());
            return;
          }
          case FAILED -> throw new IllegalStateException(event.text());
        }
      }
      if (pids.live("supervisor").isEmpty()) {
        throw new IllegalStateException("the supervisor exited; see " + dir.log("supervise"));
      }
      if (clock.instant().isAfter(deadline)) {
        throw new IllegalStateException("the mesh was not ready within " + timeout.toSeconds() + "s; logs in " + dir.logs());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static List<String> readLines(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      // Only complete lines: the supervisor may be writing the last one.
      String raw = Files.readString(file, StandardCharsets.UTF_8);
      return raw.substring(0, raw.lastIndexOf('\n') + 1).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Copies the proxy's classes and jars where uid 2102 can read them (the build tree may be under /root). */
  private void copyProxyRuntime(StateDir dir) {
    Path target = dir.runtime().resolve("proxy");
    try {
      deleteTree(target);
      Path classes = installation.moduleClasses("proxy");
      if (Files.isDirectory(classes)) {
        copyTree(classes, target.resolve("classes"));
      } else {
        Files.createDirectories(target.resolve("lib"));
        Files.copy(classes, target.resolve("lib").resolve(classes.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
      copyTree(installation.proxyLib(), target.resolve("lib"));
      // The proxies' class-data-sharing archives: kept across runs, written by uid 2102.
      Path archives = dir.cache().resolve("proxy");
      Files.createDirectories(archives);
      Files.setAttribute(archives, "unix:uid", ProxyInitConfig.PROXY_UID);
      Files.setAttribute(archives, "unix:gid", ProxyInitConfig.PROXY_UID);
      try (Stream<Path> walk = Files.walk(dir.runtime())) {
        for (Path p : walk.toList()) {
          Files.setPosixFilePermissions(p, Files.isDirectory(p) ? Set.of(PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
              PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE)
              : Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ,
                  PosixFilePermission.OTHERS_READ));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the proxy's class path to " + target, e);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          // Timestamps kept: a class-data-sharing archive stays valid only for unchanged jars.
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Rewrites mesh.json after every created thing; shared by the workload threads. */
  static final class Recorder {
    private final StateDir dir;
    private MeshRecord record;

    Recorder(StateDir dir, MeshRecord record) {
      this.dir = dir;
      this.record = record;
      record.write(dir.meshRecord());
    }

    synchronized void namespace(String name) {
      record = record.withNamespace(name);
      record.write(dir.meshRecord());
    }

    synchronized void file(String path) {
      record = record.withFile(path);
      record.write(dir.meshRecord());
    }
  }
}
