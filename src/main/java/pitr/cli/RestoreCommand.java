package pitr.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.dynamo.Durations;
import pitr.restore.PointInTimeRestorer;
import pitr.restore.RestorePoint;
import pitr.restore.RestoreRequest;
import pitr.restore.RestoreResult;

/** {@code pitr restore TABLE --to WHEN}: restores TABLE as of WHEN into a new recovery table. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore TABLE as it was at WHEN into a new table, tagged as its recovery table.",
      "Checks WHEN against the restore window first; the source table is never changed."
    })
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table to restore from.")
  String table;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "WHEN",
      description = "ISO-8601 instant (2026-01-31T09:30:00Z), latest, or relative (-15m, -2h).")
  String when;

  @Option(
      names = "--as",
      paramLabel = "NAME",
      description = "Name of the new table (default: TABLE-recovery-<id>).")
  String as;

  @Option(names = "--no-indexes", description = "Leave out secondary indexes (restores faster).")
  boolean noIndexes;

  @Option(
      names = "--wait",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Wait until the new table is ACTIVE (default: ${DEFAULT-VALUE}).")
  boolean waitActive;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = "1h",
      converter = Ranges.RestoreTimeout.class,
      description = "Give up waiting after this long, 1s-7d, e.g. 90m (default: ${DEFAULT-VALUE}).")
  Duration waitTimeout;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      hidden = true,
      defaultValue = "10s",
      converter = Ranges.PollInterval.class,
      description = "How often to check the new table, 10ms-10m (default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    RestorePoint point = RestorePoint.parse(when, clock);
    RestoreRequest request = RestoreRequest.of(table, point).as(as);
    if (noIndexes) {
      request = request.withoutIndexes();
    }
    request = request.waiting(waitActive ? waitTimeout : null);
    PrintWriter err = spec.commandLine().getErr();
    Instant start = clock.instant();
    RestoreResult result;
    try (Targets t = Targets.of(spec)) {
      result =
          PointInTimeRestorer.create(t.gateway, clock, Targets.createdBy())
              .polling(pollInterval)
              .restore(
                  request,
                  d -> {
                    err.println(
                        "restoring "
                            + d.tableName()
                            + ": "
                            + d.tableStatusAsString()
                            + " (elapsed "
                            + Durations.format(Duration.between(start, clock.instant()))
                            + ")");
                    err.flush();
                  })
              .block();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Json.print(out, result);
      return 0;
    }
    out.println(
        "Restored "
            + result.source()
            + " as of "
            + result.restorePoint()
            + " into "
            + result.target()
            + " ("
            + result.status()
            + ", "
            + Durations.format(result.elapsed())
            + ")");
    out.println("Not carried over from " + result.source() + ":");
    result.notCarriedOver().forEach(line -> out.println("  - " + line));
    out.println(
        "Next: pitr diff "
            + result.target()
            + " "
            + result.source()
            + ", then pitr copy-back --from "
            + result.target()
            + " --to "
            + result.source());
    out.flush();
    return 0;
  }
}
