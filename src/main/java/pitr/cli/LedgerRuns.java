package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import pitr.migrate.Ledger;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationState;
import pitr.migrate.RunFailedException;
import pitr.migrate.RunRecord;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The migration runs of a ledger table as {@code pitr runs list} and {@code pitr runs show} print
 * them, next to the copy-back and rollback runs of the checkpoint stores. A ledger is read (never
 * created) only when {@code --ledger-table} names it, so that listing the runs of a state folder
 * needs no DynamoDB access and no permission on a ledger.
 */
final class LedgerRuns {
  /** The ledger table of the migrate commands when their {@code --ledger-table} is not given. */
  static final String DEFAULT_TABLE = "pitr-ledger";

  private LedgerRuns() {}

  /** Every run of {@code table}, the latest start first; none when the table does not exist. */
  static List<RunRecord> read(CommandSpec sub, String table) {
    try (DynamoDbAsyncClient client = PitrCommand.of(sub).target().client()) {
      MigrationEnvironment env =
          MigrationEnvironment.create(
              client,
              java.time.Clock.systemUTC(),
              reactor.core.scheduler.Schedulers.parallel(),
              MigrationEnvironment.Settings.defaults(PitrCommand.of(sub).target().describe())
                  .withTables(table, "pitr-journal"));
      noteAbsence(sub, env.ledger());
      List<RunRecord> runs = new ArrayList<>(env.ledger().runs().collectList().block());
      runs.sort(RunRecord.BY_START.reversed());
      return runs;
    }
  }

  /**
   * Says on stderr, as a note, why {@code ledger} has no runs when its table does not exist (a
   * mistyped --ledger-table or target reads as an empty ledger otherwise); returns whether it
   * exists.
   */
  static boolean noteAbsence(CommandSpec spec, Ledger ledger) {
    Optional<String> absent = ledger.absence().blockOptional();
    absent.ifPresent(
        why -> {
          PrintWriter err = spec.commandLine().getErr();
          err.println("note: " + why);
          err.flush();
        });
    return absent.isEmpty();
  }

  /** The run {@code runId} of {@code table}, if it has it. */
  static Optional<RunRecord> find(CommandSpec sub, String table, String runId) {
    return read(sub, table).stream().filter(r -> r.runId().equals(runId)).findFirst();
  }

  /** A state as printed: running, failed, succeeded, rolled_back. */
  static String label(MigrationState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The command that resumes a failed (or killed, still running) run: {@code pitr}, the target
   * options given, {@code migrate resume NAME}, and the run's ledger and journal tables.
   */
  static String resumeCommand(CommandSpec sub, RunRecord r, String ledgerTable) {
    StringBuilder rest = new StringBuilder(RunFailedException.resumeArgs(r.migration(), r.mode()));
    if (r.workers() > 1) {
      rest.append(" --run-id ").append(r.runId()).append(" --worker I/").append(r.workers());
    }
    if (!DEFAULT_TABLE.equals(ledgerTable)) {
      rest.append(" --ledger-table ").append(ResumeCommands.quote(ledgerTable));
    }
    if (r.journalTable() != null && !"pitr-journal".equals(r.journalTable())) {
      rest.append(" --journal-table ").append(ResumeCommands.quote(r.journalTable()));
    }
    return ResumeCommands.targetOnly(sub, rest.toString());
  }

  /** Whether {@code r} is to be resumed (or rolled back): it failed, or it is still running. */
  static boolean resumable(RunRecord r) {
    return r.status() == MigrationState.FAILED || r.status() == MigrationState.RUNNING;
  }

  /** What to do next about {@code r}. */
  static String next(CommandSpec sub, RunRecord r, String ledgerTable) {
    return switch (r.status()) {
      case RUNNING ->
          "wait for it to finish; if its process is gone (pitr migrate list shows no progress"
              + " for longer than the lease), continue it with "
              + resumeCommand(sub, r, ledgerTable);
      case FAILED ->
          "fix the cause, then continue it with "
              + resumeCommand(sub, r, ledgerTable)
              + (r.workers() > 1 ? " for each failed worker" : "")
              + ", or undo it with pitr migrate rollback "
              + r.migration();
      case SUCCEEDED -> "nothing; it is finished";
      case ROLLED_BACK -> "nothing; its writes were undone";
      case PENDING -> "run it with pitr migrate prod " + r.migration();
    };
  }

  /** A run as {@code --output json} prints it, {@code kind} "migration". */
  static Map<String, Object> json(CommandSpec sub, RunRecord r, String ledgerTable) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", r.runId());
    m.put("kind", "migration");
    m.put("migration", r.migration());
    m.put("mode", r.mode() == null ? null : r.mode().name().toLowerCase(Locale.ROOT));
    m.put("state", label(r.status()));
    m.put("workers", r.workers());
    m.put("attempts", r.attempts());
    m.put("operator", r.operator());
    m.put("host", r.host());
    m.put("startedAt", r.startedAt());
    m.put("finishedAt", r.finishedAt());
    m.put("itemsRead", r.itemsRead());
    m.put("itemsWritten", r.itemsWritten());
    m.put("error", r.error());
    m.put("ledger", "table " + ledgerTable);
    m.put("resume", resumable(r) ? resumeCommand(sub, r, ledgerTable) : null);
    return m;
  }

  /** The runs, one a row under a header. */
  static void table(PrintWriter out, List<RunRecord> runs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "MIGRATION RUN", "MIGRATION", "STATE", "WORKERS", "STARTED", "FINISHED", "READ", "WRITTEN"
        });
    for (RunRecord r : runs) {
      rows.add(
          new String[] {
            r.runId(),
            r.migration(),
            label(r.status()),
            Integer.toString(r.workers()),
            r.startedAt() == null ? "-" : r.startedAt().toString(),
            r.finishedAt() == null ? "-" : r.finishedAt().toString(),
            Long.toString(r.itemsRead()),
            Long.toString(r.itemsWritten())
          });
    }
    columns(out, rows);
  }

  /** Rows in columns as wide as their widest cell, two spaces apart. */
  static void columns(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(
            i == row.length - 1
                ? row[i]
                : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
      }
      out.println(line);
    }
  }

  /** One run, one field a line. */
  static void print(PrintWriter out, CommandSpec sub, RunRecord r, String ledgerTable) {
    line(out, "run", r.runId());
    line(out, "kind", "migration");
    line(out, "migration", r.migration());
    line(out, "mode", r.mode() == null ? "-" : r.mode().name().toLowerCase(Locale.ROOT));
    line(out, "state", label(r.status()));
    line(out, "workers", Integer.toString(r.workers()));
    line(out, "attempts", Integer.toString(r.attempts()));
    line(out, "operator", r.operator() + (r.host() == null ? "" : " on " + r.host()));
    line(out, "started", r.startedAt() == null ? "-" : r.startedAt().toString());
    line(out, "finished", r.finishedAt() == null ? "-" : r.finishedAt().toString());
    line(out, "items read", Long.toString(r.itemsRead()));
    line(out, "items written", Long.toString(r.itemsWritten()));
    if (r.error() != null) {
      line(out, "error", r.error());
    }
    line(out, "ledger", "table " + ledgerTable);
    if (resumable(r)) {
      line(out, "resume", resumeCommand(sub, r, ledgerTable));
    }
    line(out, "next", next(sub, r, ledgerTable));
  }

  private static void line(PrintWriter out, String name, String value) {
    out.printf("%-16s%s%n", name + ":", value);
  }
}
