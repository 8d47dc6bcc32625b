package pitr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
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

  /** The migrate command of this run, to give it a clock or an input before {@link #execute}. */
  MigrateCommand migrate() {
    return commandLine.getSubcommands().get("migrate").getCommand();
  }

  /**
   * A new run whose migrate command reads a clock an hour on, as an operator would come to a killed
   * run: the dead run's lease has run out.
   */
  static CliRun anHourLater() {
    CliRun run = new CliRun();
    run.migrate().clock = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    return run;
  }
}
