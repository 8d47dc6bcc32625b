package pitr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the pitr command line in-process with captured stdout and stderr. */
final class CliRun {
  final CommandLine commandLine = Main.commandLine();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private int exitCode = -1;

  int execute(String... args) {
    // Set here, not at construction, so subcommands a test adds capture output too.
    commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    exitCode = commandLine.execute(args);
    return exitCode;
  }

  /** The exit code of the last {@link #execute}, or -1 before it. */
  int exitCode() {
    return exitCode;
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  PitrCommand root() {
    return commandLine.getCommand();
  }
}
