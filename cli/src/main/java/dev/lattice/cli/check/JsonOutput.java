package dev.lattice.cli.check;

import dev.lattice.cli.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Linkerd's {@code json} check format: one document, written when the run ends, with {@code success}
 * and the categories' checks ({@code result} is {@code success}, {@code warning} or {@code error}; a
 * failure also has {@code hint} and {@code error}). No summary line.
 */
final class JsonOutput implements CheckOutput {
  private final PrintWriter out;
  private final List<Map<String, Object>> categories = new ArrayList<>();

  JsonOutput(PrintWriter out) {
    this.out = out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void result(CheckCategory category, CheckResult result) {
    if (categories.isEmpty() || !categories.getLast().get("categoryName").equals(category.name())) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("categoryName", category.name());
      entry.put("checks", new ArrayList<Map<String, Object>>());
      categories.add(entry);
    }
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("description", result.check().description());
    String error = switch (result) {
      case CheckResult.Passed passed -> null;
      case CheckResult.Failed failed -> failed.error();
      case CheckResult.Warned warned -> warned.error();
    };
    if (error != null) {
      if (!result.check().hintUrl().isEmpty()) {
        check.put("hint", result.check().hintUrl());
      }
      check.put("error", error);
    }
    check.put("result", switch (result) {
      case CheckResult.Passed passed -> "success";
      case CheckResult.Failed failed -> "error";
      case CheckResult.Warned warned -> "warning";
    });
    ((List<Map<String, Object>>) categories.getLast().get("checks")).add(check);
  }

  @Override
  public void finish(CheckRunner.Outcome outcome) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("success", outcome.success());
    // Go marshals a nil slice as null: keep that when no check produced a result.
    document.put("categories", categories.isEmpty() ? null : categories);
    out.println(Json.render(document));
    out.flush();
  }
}
