package dev.lattice.cli.check;

import java.io.PrintWriter;

/** Where check results go while checks run, and the closing lines once they are done. */
public sealed interface CheckOutput extends CheckRunner.Observer permits TableOutput, JsonOutput {
  void finish(CheckRunner.Outcome outcome);

  /** The {@code -o/--output} formats of {@code lattice check}, as Linkerd names them. */
  enum Format {
    TABLE("table"),
    SHORT("short"),
    JSON("json");

    private final String flag;

    Format(String flag) {
      this.flag = flag;
    }

    public String flag() {
      return flag;
    }

    /** Null when {@code flag} names no format. */
    public static Format of(String flag) {
      for (Format format : values()) {
        if (format.flag.equals(flag)) {
          return format;
        }
      }
      return null;
    }

    /** @param color ANSI colours for the status symbols, only when writing to a terminal */
    public CheckOutput open(PrintWriter out, boolean color) {
      return switch (this) {
        case TABLE -> new TableOutput(out, false, color);
        case SHORT -> new TableOutput(out, true, color);
        case JSON -> new JsonOutput(out);
      };
    }
  }
}
