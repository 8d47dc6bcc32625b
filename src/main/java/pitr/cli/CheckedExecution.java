package pitr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import pitr.ErrorCode;

/**
 * How every command line runs: picocli's usual "run the last subcommand", after two checks that
 * hold for the whole command tree. {@code --version} honours {@code --output json}; a target option
 * the command does not use ({@link TargetUse}) is refused with exit code 2 before the command runs.
 */
final class CheckedExecution implements IExecutionStrategy {
  /** The global target options, in the order they are reported. */
  static final List<String> TARGET_OPTIONS =
      List.of("--local", "--endpoint-url", "--region", "--profile");

  @Override
  public int execute(ParseResult parseResult) {
    CommandLine root = parseResult.commandSpec().commandLine();
    if (parseResult.isVersionHelpRequested()
        && PitrCommand.of(parseResult.commandSpec()).output().format()
            == OutputOptions.Format.JSON) {
      Map<String, Object> version = new LinkedHashMap<>();
      version.put("version", ManifestVersionProvider.version());
      Json.print(root.getOut(), version);
      return 0;
    }
    ParseResult leaf = parseResult;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    if (!leaf.isUsageHelpRequested() && !leaf.isVersionHelpRequested()) {
      refuseUnused(parseResult, leaf.commandSpec());
      if (PitrCommand.of(parseResult.commandSpec()).output().format() == OutputOptions.Format.JSON
          && leaf.commandSpec().userObject().getClass().isAnnotationPresent(TextReport.class)) {
        return report(parseResult, leaf.commandSpec().commandLine());
      }
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  /** Runs a {@link TextReport} command and prints what it printed as one JSON document. */
  private static int report(ParseResult parseResult, CommandLine command) {
    PrintWriter out = command.getOut();
    StringWriter buffer = new StringWriter();
    command.setOut(new PrintWriter(buffer, true));
    int code;
    try {
      code = new CommandLine.RunLast().execute(parseResult);
    } finally {
      command.setOut(out);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("report", buffer.toString().lines().toList());
    if (code == 0) {
      Json.print(out, report);
    } else {
      ErrorCode failed =
          code == ErrorCode.PARTIAL.exitCode() ? ErrorCode.PARTIAL : ErrorCode.FAILED;
      ErrorJson.print(
          out,
          failed,
          command.getCommandSpec().qualifiedName() + " exited " + code + "; see the report",
          null,
          report);
    }
    return code;
  }

  /** Refuses the target options given anywhere on the line that {@code command} does not use. */
  static void refuseUnused(ParseResult parseResult, CommandSpec command) {
    TargetUse use = command.userObject().getClass().getAnnotation(TargetUse.class);
    if (use == null) {
      return;
    }
    List<String> given = new ArrayList<>();
    for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
      for (String option : TARGET_OPTIONS) {
        if (level.hasMatchedOption(option)
            && !List.of(use.uses()).contains(option)
            && !given.contains(option)) {
          given.add(option);
        }
      }
    }
    if (!given.isEmpty()) {
      throw new ParameterException(
          command.commandLine(),
          command.qualifiedName()
              + " does not use "
              + String.join(" or ", given)
              + ": it "
              + use.why()
              + "; leave "
              + (given.size() == 1 ? "the option" : "them")
              + " out");
    }
  }
}
