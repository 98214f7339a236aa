package dev.lattice.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner's ordering and fatal stop, and Linkerd's three output formats, on made-up checks. */
class CheckOutputTest {
  private final List<String> ran = new ArrayList<>();

  @Test
  void tableFormatMatchesLinkerdLayout() {
    String out = render(CheckOutput.Format.TABLE, List.of(
        new CheckCategory("first-group", List.of(
            Check.fatal("it parses", "a-parses", ok("1")),
            Check.warning("it lasts", "a-lasts", problem("2", "will expire soon")))),
        new CheckCategory("second", List.of(
            Check.error("it chains", "b-chains", problem("3", "Invalid things:\n\t* one\n\t* two")),
            Check.error("it is skipped", "b-skip", () -> {
              ran.add("4");
              return Verdict.skipped("not applicable");
            }),
            Check.error("it throws", "", () -> {
              throw new IllegalStateException("boom");
            })))));

    assertThat(out).isEqualTo("""
        Lattice core checks
        ===================

        first-group
        -----------
        √ it parses
        ‼ it lasts
            will expire soon
            see https://linkerd.io/2/checks/#a-lasts for hints

        second
        ------
        × it chains
            Invalid things:
        \t* one
        \t* two
            see https://linkerd.io/2/checks/#b-chains for hints
        × it throws
            boom

        Status check results are ×
        """);
    assertThat(ran).containsExactly("1", "2", "3", "4");
  }

  @Test
  void fatalFailureStopsEverythingAfterIt() {
    String out = render(CheckOutput.Format.TABLE, List.of(
        new CheckCategory("one", List.of(
            Check.fatal("loads", "x", problem("1", "cannot load")),
            Check.error("never runs", "y", ok("2")))),
        new CheckCategory("two", List.of(Check.error("never runs either", "z", ok("3"))))));

    assertThat(out).endsWith("""
        one
        ---
        × loads
            cannot load
            see https://linkerd.io/2/checks/#x for hints

        Status check results are ×
        """);
    assertThat(ran).containsExactly("1");
  }

  @Test
  void warningsAloneStillSucceed() {
    StringWriter text = new StringWriter();
    CheckOutput output = CheckOutput.Format.TABLE.open(new PrintWriter(text), false);
    CheckRunner.Outcome outcome = CheckRunner.run(
        List.of(new CheckCategory("c", List.of(Check.warning("w", "w", problem("1", "soon"))))), output);

    assertThat(outcome).isEqualTo(new CheckRunner.Outcome(true, true));
  }

  @Test
  void shortFormatPrintsOnlyProblemsAndTheSummary() {
    List<CheckCategory> allGood = List.of(new CheckCategory("c", List.of(Check.error("fine", "f", ok("1")))));
    assertThat(render(CheckOutput.Format.SHORT, allGood)).isEqualTo("Status check results are √\n");

    List<CheckCategory> warned = List.of(
        new CheckCategory("quiet", List.of(Check.error("fine", "f", ok("2")))),
        new CheckCategory("loud", List.of(
            Check.error("fine too", "f", ok("3")),
            Check.warning("lasts", "l", problem("4", "will expire")))));
    assertThat(render(CheckOutput.Format.SHORT, warned)).isEqualTo("""
        Lattice core checks
        ===================

        loud
        ----
        ‼ lasts
            will expire
            see https://linkerd.io/2/checks/#l for hints

        Status check results are √
        """);

    // Linkerd prints the blank line before the summary in short mode only when something warned.
    List<CheckCategory> failed = List.of(new CheckCategory("c", List.of(Check.error("bad", "b", problem("5", "no")))));
    assertThat(render(CheckOutput.Format.SHORT, failed)).endsWith("""
        × bad
            no
            see https://linkerd.io/2/checks/#b for hints
        Status check results are ×
        """);
  }

  @Test
  void jsonFormatMatchesLinkerdDocument() {
    String out = render(CheckOutput.Format.JSON, List.of(new CheckCategory("linkerd-identity", List.of(
        Check.fatal("parses", "p", ok("1")),
        Check.warning("lasts", "l", problem("2", "expires <soon> & \"then\"\n\t* x"))))));

    assertThat(out).isEqualTo("""
        {
          "success": true,
          "categories": [
            {
              "categoryName": "linkerd-identity",
              "checks": [
                {
                  "description": "parses",
                  "result": "success"
                },
                {
                  "description": "lasts",
                  "hint": "https://linkerd.io/2/checks/#l",
                  "error": "expires \\u003csoon\\u003e \\u0026 \\"then\\"\\n\\t* x",
                  "result": "warning"
                }
              ]
            }
          ]
        }
        """);
  }

  @Test
  void colourOnlyWhenAsked() {
    StringWriter text = new StringWriter();
    CheckOutput output = CheckOutput.Format.TABLE.open(new PrintWriter(text), true);
    output.finish(CheckRunner.run(List.of(new CheckCategory("c", List.of(Check.error("ok", "o", ok("1"))))), output));

    assertThat(text.toString()).contains("\u001B[32;1m\u221A\u001B[0m ok\n");
  }

  private String render(CheckOutput.Format format, List<CheckCategory> categories) {
    StringWriter text = new StringWriter();
    CheckOutput output = format.open(new PrintWriter(text), false);
    output.finish(CheckRunner.run(categories, output));
    return text.toString();
  }

  private Check.Probe ok(String id) {
    return () -> {
      ran.add(id);
      return Verdict.ok();
    };
  }

  private Check.Probe problem(String id, String message) {
    return () -> {
      ran.add(id);
      return Verdict.problem(message);
    };
  }
}
