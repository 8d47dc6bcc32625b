package pitr.migrate;

import java.time.Duration;
import pitr.copy.Worker;
import pitr.migrate.api.RunMode;

/**
 * What to run and how.
 *
 * @param file the migration
 * @param mode dev or prod (prod runs the preflight checks)
 * @param dryRun read real data, write nothing, report what would be written
 * @param resume continue the latest interrupted run of this migration instead of starting one
 * @param maxWcu write capacity per second for the migration's writes and its journal; 0 for no
 *     limit
 * @param backup prod: take an on-demand backup of every declared table first and wait for it
 * @param maxRestoreLag prod: how far LatestRestorableDateTime may trail now
 * @param operator who runs it
 * @param host where it runs
 * @param journal whether to journal writes (off only for benchmarks)
 * @param worker this process's share of a run across workers ({@link Worker#ALL} for a run of its
 *     own): worker I of N takes every N-th scan segment of each {@code forEachItem} pass
 * @param runId the run to start or join, named by the submitter of a run across workers; null for a
 *     run of its own, which gets a new id (or the id of the run it resumes)
 * @param newRun start a new run even though the latest run of this migration did not finish
 *     (FAILED, or RUNNING when its process died): without it such a run is refused, since it would
 *     apply the migration again to items the unfinished run changed
 */
public record RunRequest(
    MigrationFile file,
    RunMode mode,
    boolean dryRun,
    boolean resume,
    double maxWcu,
    boolean backup,
    Duration maxRestoreLag,
    String operator,
    String host,
    boolean journal,
    Worker worker,
    String runId,
    boolean newRun) {

  /** A plain run of {@code file}: 1,000 WCU, journal on, 15 minutes of restore lag allowed. */
  public static RunRequest of(MigrationFile file, RunMode mode, String operator, String host) {
    return new RunRequest(
        file,
        mode,
        false,
        false,
        1000,
        false,
        Duration.ofMinutes(15),
        operator,
        host,
        true,
        Worker.ALL,
        null,
        false);
  }

  /** Whether this process is one worker of a run across several. */
  public boolean shared() {
    return worker.count() > 1;
  }

  /** This request as worker {@code w} of run {@code id}. */
  public RunRequest withWorker(Worker w, String id) {
    return new RunRequest(
        file,
        mode,
        dryRun,
        resume,
        maxWcu,
        backup,
        maxRestoreLag,
        operator,
        host,
        journal,
        w,
        id,
        newRun);
  }

  public RunRequest withDryRun(boolean v) {
    return new RunRequest(
        file,
        mode,
        v,
        resume,
        maxWcu,
        backup,
        maxRestoreLag,
        operator,
        host,
        journal,
        worker,
        runId,
        newRun);
  }

  public RunRequest withResume(boolean v) {
    return new RunRequest(
        file,
        mode,
        dryRun,
        v,
        maxWcu,
        backup,
        maxRestoreLag,
        operator,
        host,
        journal,
        worker,
        runId,
        newRun);
  }

  public RunRequest withMaxWcu(double v) {
    return new RunRequest(
        file,
        mode,
        dryRun,
        resume,
        v,
        backup,
        maxRestoreLag,
        operator,
        host,
        journal,
        worker,
        runId,
        newRun);
  }

  public RunRequest withBackup(boolean v) {
    return new RunRequest(
        file,
        mode,
        dryRun,
        resume,
        maxWcu,
        v,
        maxRestoreLag,
        operator,
        host,
        journal,
        worker,
        runId,
        newRun);
  }

  public RunRequest withMaxRestoreLag(Duration v) {
    return new RunRequest(
        file, mode, dryRun, resume, maxWcu, backup, v, operator, host, journal, worker, runId,
        newRun);
  }

  public RunRequest withJournal(boolean v) {
    return new RunRequest(
        file,
        mode,
        dryRun,
        resume,
        maxWcu,
        backup,
        maxRestoreLag,
        operator,
        host,
        v,
        worker,
        runId,
        newRun);
  }

  /** This request, allowed to start a new run after an unfinished one ({@code --new-run}). */
  public RunRequest withNewRun(boolean v) {
    return new RunRequest(
        file,
        mode,
        dryRun,
        resume,
        maxWcu,
        backup,
        maxRestoreLag,
        operator,
        host,
        journal,
        worker,
        runId,
        v);
  }
}
