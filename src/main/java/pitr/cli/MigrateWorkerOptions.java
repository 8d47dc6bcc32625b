package pitr.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.ArrayJob;
import pitr.copy.Worker;

/**
 * {@code --worker I/N|auto/N --run-id R}: run one worker's share of a migration run across N
 * workers, as the children of {@code migrate submit NAME --workers N} do; and, with {@code migrate
 * prod NAME --workers N}, which of the options go together.
 */
final class MigrateWorkerOptions {
  @Option(
      names = "--worker",
      paramLabel = "I/N",
      description =
          "Run only worker I's share of run --run-id across N workers (every N-th scan segment of"
              + " each forEachItem pass); auto/N inside an AWS Batch array job takes I from"
              + " AWS_BATCH_JOB_ARRAY_INDEX.")
  String worker;

  @Option(
      names = "--run-id",
      paramLabel = "RUN_ID",
      converter = RunIdConverter.class,
      description =
          "The run the workers share (one ledger entry, one journal): required with --worker,"
              + " optional with --workers (default: a new one); for migrate resume, the run across"
              + " workers to continue (default: the latest run).")
  String runId;

  /**
   * This process's share, after refusing what does not go with it.
   *
   * @param resume for {@code migrate resume}, where {@code --run-id} may go without {@code
   *     --worker} (the run across workers to continue, every unfinished worker here)
   * @param workers {@code migrate prod --workers N}, or null
   * @throws PitrException {@link ErrorCode#USAGE} for a bad or missing option; nothing ran yet
   */
  Worker share(
      CommandSpec spec,
      String name,
      boolean resume,
      boolean dryRun,
      boolean backup,
      Integer workers) {
    if (workers != null) {
      if (worker != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--workers "
                + workers
                + " runs every worker of the run here and --worker "
                + worker
                + " one of them; pass only one of the two");
      }
      if (dryRun) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--dry-run reads the whole table in one process; drop --workers " + workers);
      }
      if (workers == 1 && runId != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--run-id names the run of several workers, and --workers 1 is a run of one process;"
                + " drop --run-id, or pass --workers N with N > 1");
      }
      return Worker.ALL;
    }
    if (worker == null) {
      if (runId != null && !resume) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--run-id names the run of several workers; pass --workers N (every worker here) or"
                + " --worker I/N (one of them) with it, or leave --run-id out for a run of one"
                + " process");
      }
      return Worker.ALL;
    }
    Worker w = ArrayJob.worker(worker, PitrCommand.of(spec).target().env);
    if (w.count() == 1) {
      return Worker.ALL;
    }
    if (runId == null && !resume) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--worker "
              + worker
              + " needs --run-id RUN_ID, the run its "
              + w.count()
              + " workers share; give each worker the same one, e.g. --run-id "
              + name.replaceAll("[^A-Za-z0-9._-]", "-")
              + "-1");
    }
    if (dryRun) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--dry-run reads the whole table in one process; drop --worker and --run-id");
    }
    if (backup) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--backup is for a run of one process: each of the "
              + w.count()
              + " workers would take its own backups. Drop --backup (preflight checks that"
              + " point-in-time recovery can undo the run), back the tables up first, or run the"
              + " workers in one process with --workers "
              + w.count()
              + " (the first takes the backups)");
    }
    return w;
  }
}
