package dev.lattice.cli.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.cli.CliRun;
import dev.lattice.cli.LatticeMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The mesh commands that need no root: apply, delete, and the answers when nothing is up. */
class MeshCommandsTest {
  private static final String MANIFEST = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cart, namespace: shop, labels: {app: cart}}
      spec:
        containers: [{name: app, ports: [{containerPort: 8080}]}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: cart-svc, namespace: shop}
      spec:
        selector: {app: cart}
        ports: [{port: 80, targetPort: 8080}]
      """;

  @TempDir Path dir;

  private CliRun lattice(String... args) {
    return CliRun.run(args);
  }

  @Test
  void applyPrintsWhatChangedLikeKubectl() throws Exception {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, MANIFEST);
    String state = dir.resolve("state").toString();

    CliRun first = lattice("apply", "-f", file.toString(), "--state-dir", state);
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).isEqualTo("namespace/shop created\npod/cart created\nservice/cart-svc created\n");
    assertThat(dir.resolve("state/resources/pods/shop/cart.yaml")).exists();

    CliRun again = lattice("apply", "-f", file.toString(), "--state-dir", state);
    assertThat(again.out()).isEqualTo("namespace/shop unchanged\npod/cart unchanged\nservice/cart-svc unchanged\n");

    Files.writeString(file, MANIFEST.replace("port: 80,", "port: 81,"));
    CliRun changed = lattice("apply", "-f", file.toString(), "--state-dir", state);
    assertThat(changed.out()).contains("service/cart-svc configured", "pod/cart unchanged");
  }

  @Test
  void anInvalidFileIsRejectedWholeWithTheReasonAndChangesNothing() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, MANIFEST.replace("targetPort: 8080", "targetPort: 0"));
    String state = dir.resolve("state").toString();
    CliRun run = lattice("apply", "-f", file.toString(), "--state-dir", state);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("lattice: " + file + " is invalid, nothing was changed: ")
        .contains("Service/cart-svc: spec.ports[0].targetPort");
    assertThat(run.out()).isEmpty();
    // Rejected before the store was even opened.
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void deleteRemovesWhatTheFileNamesAndSaysWhatWasMissing() throws Exception {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, MANIFEST);
    String state = dir.resolve("state").toString();
    lattice("apply", "-f", file.toString(), "--state-dir", state);
    CliRun delete = lattice("delete", "-f", file.toString(), "--state-dir", state);
    assertThat(delete.exitCode()).isZero();
    assertThat(delete.out()).isEqualTo("namespace/shop deleted\npod/cart deleted\nservice/cart-svc deleted\n");
    assertThat(dir.resolve("state/resources/pods/shop/cart.yaml")).doesNotExist();
    CliRun again = lattice("delete", "-f", file.toString(), "--state-dir", state);
    assertThat(again.out()).contains("pod/cart not found");
  }

  @Test
  void missingFileIsNamed() {
    CliRun run = lattice("apply", "-f", dir.resolve("nope.yaml").toString(), "--state-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("lattice: cannot read " + dir.resolve("nope.yaml") + ": no such file\n");
  }

  @Test
  void downAndStatusWithNothingUpSaySo() {
    CliRun down = lattice("down", "--state-dir", dir.toString());
    assertThat(down.exitCode()).isZero();
    assertThat(down.out()).isEqualTo("no mesh is up in " + dir + ": nothing to do\n");
    CliRun status = lattice("status", "--state-dir", dir.toString());
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.out()).contains("no mesh is up in " + dir);
  }

  @Test
  void upWithoutRootSaysWhyAndFails() {
    CommandLine cli = new CommandLine(new LatticeMain()).addSubcommand(new UpCommand(InstantSource.system(), () -> false));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("up", "--state-dir", dir.toString());
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("lattice up needs root: it creates network namespaces")
        .contains("runs each proxy as uid 2102");
    assertThat(dir.resolve("mesh.json")).doesNotExist();
  }
}
