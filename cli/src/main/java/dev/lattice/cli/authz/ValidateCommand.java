package dev.lattice.cli.authz;

import dev.lattice.control.store.InvalidResourceException;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lattice validate -f PATH…}: admission checks (spec §3) on manifests, offline. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    optionListHeading = "%nOptions:%n",
    description = {
      "Check manifests as the API server and the policy admission webhook would, without a cluster.",
      "",
      "Prints one line per problem, KIND/NAME: field: reason, and exits 1 if there is any; exits 0 when "
          + "every object would be admitted."
    })
public final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, paramLabel = "PATH", required = true,
      description = "A manifest file, or a directory of .yaml/.yml/.json files. Repeatable.")
  List<Path> files;

  @Option(names = {"-R", "--recursive"}, description = "Also read subdirectories of directories given with -f.")
  boolean recursive;

  @Override
  public Integer call() {
    Set<String> problems = new LinkedHashSet<>();
    List<Resource> all = new ArrayList<>();
    for (Path file : ManifestFiles.expand(files, recursive)) {
      try {
        all.addAll(ManifestParser.parse(file));
      } catch (InvalidResourceException e) {
        e.problems().forEach(p -> problems.add(p.startsWith("document ") ? file + ": " + p : p));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    problems.addAll(ResourceValidator.problems(all)); // the same object in two files
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      err.flush();
      return 1;
    }
    out.println(all.size() + (all.size() == 1 ? " object is" : " objects are") + " valid");
    out.flush();
    return 0;
  }
}
