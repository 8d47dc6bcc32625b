package pitr.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.BatchGateway;
import pitr.copy.CopyRunRecord;
import pitr.copy.RunOverview;
import pitr.copy.RunStatus;
import pitr.migrate.RunRecord;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * {@code pitr runs show RUN_ID [--watch]}: one run, whether it is alive, worker by worker, and what
 * to do next.
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one run: what it copies, its state, the process that owns it (host, pid, AWS Batch"
          + " job), its last heartbeat and lease, and what to do next.",
      "A run of several workers (--worker I/N, or --submit batch) is shown worker by worker:"
          + " progress, items/s, WCU/s, failures, done, running, pending or failed (from its"
          + " lease and, for a submitted run, from AWS Batch DescribeJobs), and the command that"
          + " resumes a failed worker.",
      "--watch shows it again every --poll-interval until every worker is done or failed; it"
          + " exits 0 when all are done, 1 when one failed.",
      "With --ledger-table, RUN_ID may be a migration run of that ledger: it is shown with its"
          + " state, workers, times, counts and, when it failed, the command that continues it."
    })
final class RunsShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "RUN_ID",
      description = "The run, as pitr runs list shows it.")
  String runId;

  @Mixin StateOptions state = new StateOptions();

  @Option(
      names = "--ledger-table",
      paramLabel = "NAME",
      description =
          "Also look for the run among the migration runs of this ledger table, e.g. pitr-ledger"
              + " (the migrate commands' default); it is read, never created.")
  String ledgerTable;

  @Option(
      names = "--watch",
      description = "Show the run again until every worker is done or failed.")
  boolean watch;

  @Option(
      names = "--poll-interval",
      hidden = true,
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = Ranges.PollInterval.class,
      description = "With --watch: how often to look again, 10ms-10m.")
  Duration poll;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    RunsCommand runs = RunsCommand.of(spec);
    boolean ledger = ledgerTable != null;
    RunRecord migration = ledger ? LedgerRuns.find(spec, ledgerTable, runId).orElse(null) : null;
    if (migration != null) {
      if (Targets.json(spec)) {
        Json.print(out, LedgerRuns.json(spec, migration, ledgerTable));
      } else {
        LedgerRuns.print(out, spec, migration, ledgerTable);
      }
      out.flush();
      return 0;
    }
    while (true) {
      RunOverview o;
      try {
        o = RunsCommand.withRuns(spec, state, r -> r.overview(runId, this::jobStates).block());
      } catch (PitrException e) {
        if (ledger && e.code() == ErrorCode.USAGE && e.getMessage().startsWith("No run ")) {
          throw new PitrException(
              ErrorCode.USAGE,
              e.getMessage() + "; nor is it a migration run of ledger table " + ledgerTable,
              e);
        }
        throw e;
      }
      if (Targets.json(spec)) {
        Json.print(out, json(o));
      } else {
        print(out, o.status());
        if (o.workers().size() > 1 || o.job() != null) {
          workers(out, o);
        }
      }
      out.flush();
      if (!watch) {
        return 0;
      }
      if (o.settled()) {
        if (o.anyFailed()) {
          throw new PitrException(
              ErrorCode.FAILED,
              "Run "
                  + runId
                  + " has failed workers; resume each with the command shown for it, then watch"
                  + " again");
        }
        return 0;
      }
      runs.pause.sleep(poll);
      out.println();
    }
  }

  /** What Batch says of the workers' jobs; nothing (and a note) when it cannot be asked. */
  private Mono<Map<String, String>> jobStates(List<String> ids) {
    RunsCommand runs = RunsCommand.of(spec);
    if (runs.batchStates != null) {
      return Mono.fromCallable(() -> runs.batchStates.apply(ids));
    }
    return Mono.fromCallable(
        () -> {
          Map<String, String> states = new LinkedHashMap<>();
          try (BatchAsyncClient client = new AwsClients(PitrCommand.of(spec).target()).batch()) {
            for (JobDetail j : new BatchGateway(client).describe(ids).block()) {
              states.put(j.jobId(), j.statusAsString());
            }
          } catch (PitrException e) {
            spec.commandLine()
                .getErr()
                .println("AWS Batch states unavailable (" + e.getMessage() + "); leases only");
          }
          return states;
        });
  }

  /** The run, one field a line. */
  void print(PrintWriter out, RunStatus s) {
    CopyRunRecord r = s.run();
    boolean rollback = r.kind().equals("rollback");
    line(out, "run", r.runId());
    line(out, "kind", r.kind());
    line(out, rollback ? "applies" : "copies", RunsCommand.copies(r));
    line(
        out,
        rollback ? "chunks" : "segments",
        r.totalSegments() == 0 && r.heartbeat() == null
            ? "not known until a worker starts"
            : Integer.toString(r.totalSegments()));
    if (r.filter() != null) {
      line(out, "filter", r.filter());
    }
    line(out, "state", s.state().label());
    line(out, "owner", r.owner() == null ? "-" : r.owner().describe());
    line(out, "last heartbeat", r.heartbeat() == null ? "-" : r.heartbeat().toString());
    if (r.expires() != null) {
      line(out, "lease until", r.expires().toString());
    }
    if (r.abandoned() != null) {
      line(
          out,
          "abandoned",
          r.abandoned().at()
              + (r.abandoned().by() == null ? "" : " by " + r.abandoned().by().describe()));
    }
    line(out, "checkpoints", s.store());
    line(out, "next", RunsCommand.next(s, this::command));
  }

  /** The workers of a run, one a row, and how to resume each failed one. */
  void workers(PrintWriter out, RunOverview o) {
    CopyRunRecord r = o.status().run();
    boolean rollback = r.kind().equals("rollback");
    line(
        out,
        "workers",
        o.workers().size()
            + (o.job() == null
                ? ""
                : " (AWS Batch job " + o.job().jobId() + ", queue " + o.job().jobQueue() + ")"));
    line(
        out,
        "progress",
        o.done() + " of " + r.totalSegments() + (rollback ? " chunks" : " segments") + " done");
    out.printf(
        "  %-7s %-9s %-9s %10s %9s %9s %7s  %s%n",
        "worker",
        "state",
        rollback ? "chunks" : "segments",
        "items",
        "items/s",
        "WCU/s",
        "failed",
        "job / process");
    for (RunOverview.WorkerRow w : o.workers()) {
      String who =
          w.batchJobId() != null
              ? w.batchJobId() + (w.batchStatus() == null ? "" : " " + w.batchStatus())
              : w.lease() != null && w.lease().owner() != null ? w.lease().owner().describe() : "-";
      out.printf(
          "  %-7s %-9s %-9s %10s %9s %9s %7s  %s%n",
          w.worker(),
          w.state().label(),
          w.done() + "/" + w.owned(),
          w.failed() < 0 ? "-" : Long.toString(w.lease().progress().items()),
          w.itemsPerSecond() < 0 ? "-" : String.format("%.1f", w.itemsPerSecond()),
          w.wcuPerSecond() < 0 ? "-" : String.format("%.1f", w.wcuPerSecond()),
          w.failed() < 0 ? "-" : Long.toString(w.failed()),
          who);
    }
    for (RunOverview.WorkerRow w : o.workers()) {
      if (w.state() == RunOverview.WorkerState.FAILED) {
        line(out, "resume " + w.worker(), resumeCommand(o, w));
      }
    }
  }

  /** The command that resumes failed worker {@code w}. */
  String resumeCommand(RunOverview o, RunOverview.WorkerRow w) {
    String id = o.status().runId();
    if (o.job() != null) {
      return o.job().resumeCommand(id, w.worker().index());
    }
    boolean rollback = o.status().run().kind().equals("rollback");
    return command(
        (rollback ? "rollback --apply PLAN --resume " : "copy-back --resume ")
            + id
            + (w.worker().count() > 1 ? " --worker " + w.worker() : ""));
  }

  /**
   * A pitr command line of {@code rest}, carrying the options given here that say where the run's
   * state is (the target, --state-dir, --checkpoint-table).
   */
  private String command(String rest) {
    return ResumeCommands.of(spec, rest);
  }

  private Map<String, Object> json(RunOverview o) {
    Map<String, Object> m = RunsCommand.json(o.status());
    if (o.job() != null) {
      m.put("jobId", o.job().jobId());
      m.put("jobQueue", o.job().jobQueue());
    }
    m.put("done", o.done());
    m.put(
        "workers",
        o.workers().stream()
            .map(
                w -> {
                  Map<String, Object> row = new LinkedHashMap<>();
                  row.put("worker", w.worker().toString());
                  row.put("state", w.state().label());
                  row.put("done", w.done());
                  row.put("of", w.owned());
                  row.put("items", w.failed() < 0 ? null : w.lease().progress().items());
                  row.put("itemsPerSecond", w.itemsPerSecond() < 0 ? null : w.itemsPerSecond());
                  row.put("wcuPerSecond", w.wcuPerSecond() < 0 ? null : w.wcuPerSecond());
                  row.put("failed", w.failed() < 0 ? null : w.failed());
                  row.put("batchJobId", w.batchJobId());
                  row.put("batchStatus", w.batchStatus());
                  row.put(
                      "resume",
                      w.state() == RunOverview.WorkerState.FAILED ? resumeCommand(o, w) : null);
                  return row;
                })
            .toList());
    return m;
  }

  private static void line(PrintWriter out, String name, String value) {
    out.printf("%-16s%s%n", name + ":", value);
  }
}
