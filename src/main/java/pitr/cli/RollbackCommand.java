package pitr.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.rollback.ApplyResult;
import pitr.rollback.PlanFile;
import pitr.rollback.PlanText;
import pitr.rollback.RollbackPlan;
import pitr.rollback.Rollbacks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr rollback TABLE --to T0}: restores T0 (and T1) into recovery tables, plans item by
 * item, prints and saves the plan, applies it with conditional writes, verifies, and drops the
 * recovery tables.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Roll a table back to T0, item by item, without clobbering later writes.",
      "With --incident-end T1 only items the incident changed are restored; items changed since"
          + " are conflicts, kept unless --on-conflict overwrite.",
      "--plan FILE saves the plan and stops; --apply FILE executes exactly that plan."
    })
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Time for plans and durations; tests inject their own. */
  Clock clock = Clock.systemUTC();

  /** Where retries and waits run; tests inject their own. */
  Scheduler scheduler = Schedulers.parallel();

  /** Where the confirmation is read from; tests inject their own. */
  BufferedReader input;

  @Parameters(paramLabel = "TABLE", arity = "0..1", description = "The live table.")
  String table;

  @Option(
      names = "--to",
      paramLabel = "T0",
      description = "Go back to this instant (ISO-8601, or -15m for 15 minutes ago).")
  String to;

  @Option(
      names = "--incident-end",
      paramLabel = "T1",
      description = "When the bad change ended; enables the three-way plan.")
  String incidentEnd;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description = "Save the plan to FILE (JSON lines) and stop.")
  Path plan;

  @Option(names = "--apply", paramLabel = "FILE", description = "Apply exactly this saved plan.")
  Path apply;

  @Option(
      names = "--on-conflict",
      paramLabel = "skip|overwrite",
      defaultValue = "skip",
      description = "What to do with items changed after the incident (default: ${DEFAULT-VALUE}).")
  String onConflict;

  @Option(
      names = "--delete-extra",
      description = "Without --incident-end: delete items created after T0.")
  boolean deleteExtra;

  @Option(names = "--keep", description = "Keep the recovery tables.")
  boolean keep;

  @Option(names = "--yes", description = "Apply without asking.")
  boolean yes;

  @Option(
      names = "--max-wcu",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Write capacity per second for the writes; 0: no limit (default: ${DEFAULT-VALUE}).")
  double maxWcu;

  @Option(
      names = "--restore-timeout",
      paramLabel = "DURATION",
      defaultValue = "PT2H",
      description = "How long to wait for a recovery table (default: ${DEFAULT-VALUE}).")
  Duration restoreTimeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    boolean overwrite = overwrite(onConflict);
    try (DynamoDbAsyncClient client = PitrCommand.of(spec).target().client()) {
      Rollbacks rollbacks = Rollbacks.create(client, clock, scheduler);
      if (apply != null) {
        if (table != null || to != null || plan != null) {
          throw new PitrException(
              ErrorCode.USAGE,
              "--apply FILE executes a saved plan as it is; drop TABLE, --to and --plan");
        }
        RollbackPlan saved = PlanFile.read(apply);
        out.print(PlanText.plan(saved, maxWcu));
        return finish(out, rollbacks.apply(saved, maxWcu).block());
      }
      if (table == null || to == null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "Give the table and --to T0, e.g. 'pitr rollback orders --to 2026-11-30T12:00:00Z', or --apply FILE");
      }
      Instant t0 = instant("--to", to);
      Instant t1 = incidentEnd == null ? null : instant("--incident-end", incidentEnd);
      if (t1 != null && deleteExtra) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--delete-extra is for rollbacks without --incident-end; with it, items created during the incident are deleted anyway");
      }
      Rollbacks.Prepared prepared =
          rollbacks
              .planTable(
                  new Rollbacks.TableRequest(table, t0, t1, overwrite, deleteExtra, restoreTimeout))
              .block();
      try {
        out.print(PlanText.plan(prepared.plan(), maxWcu));
        if (plan != null) {
          PlanFile.write(prepared.plan(), plan);
          out.println(
              "Plan saved to " + plan + "; apply it with 'pitr rollback --apply " + plan + "'");
          return 0;
        }
        if (!yes) {
          confirm(spec, input, "Apply this plan to " + table + "?", "nothing was written");
        }
        return finish(out, rollbacks.apply(prepared.plan(), maxWcu).block());
      } finally {
        if (keep) {
          out.println("Kept recovery tables: " + String.join(", ", prepared.recoveryTables()));
        } else {
          rollbacks.drop(prepared.recoveryTables()).block();
        }
      }
    }
  }

  static int finish(PrintWriter out, ApplyResult result) {
    out.print(PlanText.result(result));
    if (!result.complete()) {
      throw new PitrException(
          ErrorCode.PARTIAL,
          result.failed().size()
              + " writes failed and "
              + result.notVerified().size()
              + " items did not verify; fix the cause and rerun the rollback (items already restored are refused, not overwritten)");
    }
    return 0;
  }

  static boolean overwrite(String onConflict) {
    if (!List.of("skip", "overwrite").contains(onConflict)) {
      throw new PitrException(
          ErrorCode.USAGE, "--on-conflict " + onConflict + " is not known; pass skip or overwrite");
    }
    return onConflict.equals("overwrite");
  }

  private Instant instant(String option, String text) {
    try {
      if (text.startsWith("-")) {
        return clock.instant().minus(pitr.runbook.StepDurations.parse(text.substring(1)));
      }
      return Instant.parse(text);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + text
              + " is not an instant; pass ISO-8601 like 2026-11-30T12:00:00Z or a relative time like -15m");
    }
  }

  /**
   * Asks {@code question} and returns normally on "y" or "yes".
   *
   * @throws PitrException {@link ErrorCode#REFUSED} on anything else, or without input
   */
  static void confirm(CommandSpec spec, BufferedReader input, String question, String nothingDone) {
    PrintWriter out = spec.commandLine().getOut();
    out.print(question + " [y/N] ");
    out.flush();
    String answer;
    try {
      BufferedReader in =
          input != null
              ? input
              : new BufferedReader(
                  new java.io.InputStreamReader(
                      System.in, java.nio.charset.StandardCharsets.UTF_8));
      answer = in.readLine();
    } catch (java.io.IOException e) {
      answer = null;
    }
    out.println();
    String a = answer == null ? "" : answer.strip().toLowerCase(java.util.Locale.ROOT);
    if (!a.equals("y") && !a.equals("yes")) {
      throw new PitrException(
          ErrorCode.REFUSED, "Not confirmed; " + nothingDone + ". Pass --yes to skip the question");
    }
  }
}
