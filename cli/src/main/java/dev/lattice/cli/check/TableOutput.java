package dev.lattice.cli.check;

import java.io.PrintWriter;

/**
 * Linkerd's {@code table} and {@code short} check formats, byte for byte: a header, each category
 * underlined with dashes, {@code √}/{@code ×}/{@code ‼} lines, failures followed by their error and hint
 * indented four spaces, a blank line, and {@code Status check results are √} (or {@code ×}).
 *
 * <p>{@code short} prints only failed and warned checks (and the header and their categories only once one
 * appears), and the blank line before the summary only when something warned, as Linkerd does.
 */
final class TableOutput implements CheckOutput {
  static final String HEADER = "Lattice core checks";
  private static final String OK = "\u221A";
  private static final String WARN = "\u203C";
  private static final String FAIL = "\u00D7";

  private final PrintWriter out;
  private final boolean shortMode;
  private final boolean color;
  private boolean headerPrinted;
  private String lastCategory;

  TableOutput(PrintWriter out, boolean shortMode, boolean color) {
    this.out = out;
    this.shortMode = shortMode;
    this.color = color;
    if (!shortMode) {
      printHeader();
    }
  }

  @Override
  public void result(CheckCategory category, CheckResult result) {
    if (shortMode && result instanceof CheckResult.Passed) {
      return;
    }
    printHeader();
    if (!category.name().equals(lastCategory)) {
      if (lastCategory != null) {
        out.println();
      }
      out.println(category.name());
      out.println("-".repeat(category.name().length()));
      lastCategory = category.name();
    }
    switch (result) {
      case CheckResult.Passed passed -> out.println(paint(OK, "32") + " " + passed.check().description());
      case CheckResult.Failed failed -> printProblem(paint(FAIL, "31"), failed.check(), failed.error());
      case CheckResult.Warned warned -> printProblem(paint(WARN, "33"), warned.check(), warned.error());
    }
    out.flush();
  }

  @Override
  public void finish(CheckRunner.Outcome outcome) {
    if (!shortMode || outcome.warning()) {
      out.println();
    }
    out.println("Status check results are " + (outcome.success() ? paint(OK, "32") : paint(FAIL, "31")));
    out.flush();
  }

  private void printHeader() {
    if (!headerPrinted) {
      out.println(HEADER);
      out.println("=".repeat(HEADER.length()));
      out.println();
      headerPrinted = true;
    }
  }

  private void printProblem(String status, Check check, String error) {
    out.println(status + " " + check.description());
    out.println("    " + error);
    if (!check.hintUrl().isEmpty()) {
      out.println("    see " + check.hintUrl() + " for hints");
    }
  }

  private String paint(String symbol, String ansiColor) {
    return color ? "\u001B[" + ansiColor + ";1m" + symbol + "\u001B[0m" : symbol;
  }
}
