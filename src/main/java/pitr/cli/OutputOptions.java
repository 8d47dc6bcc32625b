package pitr.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code --output} option: how commands print their results. */
final class OutputOptions {
  /** A result format. */
  enum Format {
    /** Lines for people to read. */
    TEXT,
    /** One JSON document, for scripts. */
    JSON
  }

  @Option(
      names = "--output",
      scope = ScopeType.INHERIT,
      paramLabel = "text|json",
      defaultValue = "text",
      description = "Result format: text or json (default: ${DEFAULT-VALUE}).")
  Format format = Format.TEXT;

  Format format() {
    return format;
  }
}
