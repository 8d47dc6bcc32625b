package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationOverview;
import pitr.migrate.MigrationStatus;
import pitr.migrate.RunRecord;
import pitr.migrate.WorkerStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** {@code pitr migrate list}: every migration with its state and times from the ledger. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Show every migration, in the folder or in the ledger, with the state of its latest run"
          + " (pending, running, succeeded, failed, rolled_back) and its times.",
      "'changed' marks a file that differs from the source its latest succeeded run ran;"
          + " 'file deleted' one the ledger remembers after its file was removed."
    })
final class MigrateListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Override
  public Integer call() {
    MigrateCommand parent = MigrateCommand.of(spec);
    try (DynamoDbAsyncClient client = PitrCommand.of(spec).target().client()) {
      MigrationEnvironment env = parent.environment(spec, client, options);
      LedgerRuns.noteAbsence(spec, env.ledger());
      List<MigrationStatus> all =
          new MigrationOverview(options.catalog(), env.ledger()).list().block();
      Map<String, List<WorkerStatus>> workers = new LinkedHashMap<>();
      for (MigrationStatus s : all) {
        if (s.latest() != null && s.latest().workers() > 1) {
          workers.put(s.name(), env.workers(s.latest(), parent.clock.instant()).block());
        }
      }
      print(spec, all, SubmittedJobs.read(spec, env), workers, options.catalog().misnamed());
    }
    return 0;
  }

  static void print(CommandSpec spec, List<MigrationStatus> all) {
    print(spec, all, SubmittedJobs.NONE, Map.of(), List.of());
  }

  /** The advice on a {@code .java} file in the folder that is not named as a migration. */
  static final String MISNAMED =
      "not a migration: rename it NNNN_snake_case_name.java, or dev and prod cannot find it";

  /** A time to the second, so that the columns line up. */
  private static String time(java.time.Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /**
   * Prints the migrations, with the submissions of each and, for a latest run across workers, its
   * workers.
   */
  static void print(
      CommandSpec spec,
      List<MigrationStatus> all,
      SubmittedJobs submitted,
      Map<String, List<WorkerStatus>> workers,
      List<java.nio.file.Path> misnamed) {
    PrintWriter out = spec.commandLine().getOut();
    if (PitrCommand.of(spec).output().format() == OutputOptions.Format.JSON) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (MigrationStatus s : all) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("state", s.state().name().toLowerCase(Locale.ROOT));
        m.put("fileExists", s.fileExists());
        m.put("sourceChanged", s.sourceChanged());
        m.put("runs", s.runs());
        RunRecord r = s.latest();
        if (r != null) {
          m.put("runId", r.runId());
          m.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
          m.put("startedAt", r.startedAt().toString());
          m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
          m.put("restorePoint", r.restorePoint() == null ? null : r.restorePoint().toString());
          m.put("error", r.error());
        }
        if (submitted.has(s.name())) {
          m.put("submissions", submitted.json(s.name()));
        }
        if (workers.containsKey(s.name())) {
          m.put("workers", workers.get(s.name()).stream().map(MigrateListCommand::json).toList());
        }
        rows.add(m);
      }
      for (java.nio.file.Path file : misnamed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", file.getFileName().toString());
        m.put("state", "misnamed");
        m.put("fileExists", true);
        m.put("error", MISNAMED);
        rows.add(m);
      }
      out.println(MigrateCommand.json(rows));
      out.flush();
      return;
    }
    if (all.isEmpty() && misnamed.isEmpty()) {
      out.println("No migrations in the folder or the ledger.");
      out.flush();
      return;
    }
    int width = 36;
    for (MigrationStatus s : all) {
      width = Math.max(width, s.name().length());
    }
    for (java.nio.file.Path file : misnamed) {
      width = Math.max(width, file.getFileName().toString().length());
    }
    String fmt = "%-" + width + "s %-12s %-5s %-20s %-20s %s%n";
    out.printf(Locale.ROOT, fmt, "MIGRATION", "STATE", "MODE", "STARTED", "FINISHED", "NOTES");
    for (MigrationStatus s : all) {
      RunRecord r = s.latest();
      List<String> notes = new ArrayList<>();
      if (!s.fileExists()) {
        notes.add("file deleted");
      }
      if (s.sourceChanged()) {
        notes.add("changed since it succeeded");
      }
      if (r != null && r.error() != null) {
        String error = r.error().lines().findFirst().orElse("");
        // A rolled-back run's error is history, not advice to act on.
        notes.add(
            s.state() == pitr.migrate.MigrationState.ROLLED_BACK
                ? "before the rollback: " + error.replaceAll("; resume it with .*$", "")
                : error);
      }
      out.printf(
          Locale.ROOT,
          fmt,
          s.name(),
          s.state().name().toLowerCase(Locale.ROOT),
          r == null ? "-" : r.mode().name().toLowerCase(Locale.ROOT),
          r == null ? "-" : time(r.startedAt()),
          r == null || r.finishedAt() == null ? "-" : time(r.finishedAt()),
          String.join("; ", notes));
      submitted.lines(s.name()).forEach(out::println);
      for (WorkerStatus w : workers.getOrDefault(s.name(), List.of())) {
        out.println(line(w));
        if (w.state() == WorkerStatus.State.FAILED) {
          out.println(
              "    resume it: pitr migrate resume "
                  + s.name()
                  + " --run-id "
                  + r.runId()
                  + " --worker "
                  + w.worker()
                  + (r.mode() == pitr.migrate.api.RunMode.PROD ? " --prod" : ""));
        }
      }
    }
    for (java.nio.file.Path file : misnamed) {
      out.printf(Locale.ROOT, fmt, file.getFileName(), "misnamed", "-", "-", "-", MISNAMED);
    }
    out.flush();
  }

  /** {@code worker 2/3 running read 40, written 38, heartbeat T on HOST (job J)}. */
  private static String line(WorkerStatus w) {
    String head = String.format(Locale.ROOT, "  worker %-4s %-8s", w.worker(), w.state().label());
    if (w.heartbeat() == null) {
      return head.stripTrailing();
    }
    return head
        + " read "
        + w.read()
        + ", written "
        + w.written()
        + ", heartbeat "
        + w.heartbeat()
        + " on "
        + w.host()
        + (w.batchJobId() == null ? "" : " (job " + w.batchJobId() + ")");
  }

  private static Map<String, Object> json(WorkerStatus w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("worker", w.worker().toString());
    m.put("state", w.state().label());
    m.put("read", w.read() < 0 ? null : w.read());
    m.put("written", w.written() < 0 ? null : w.written());
    m.put("heartbeat", w.heartbeat() == null ? null : w.heartbeat().toString());
    m.put("host", w.host());
    m.put("batchJobId", w.batchJobId());
    return m;
  }
}
