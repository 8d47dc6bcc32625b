package pitr.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.ArrayJob;
import pitr.copy.Worker;

/**
 * {@code --worker I/N|auto/N --run-id R}: run one worker's share of a migration run across N
 * workers, as the children of {@code migrate submit NAME --workers N} do; and {@code --workers N},
 * which is refused here with the ways to run N workers.
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
      description = "With --worker: the run the N workers share (one ledger entry, one journal).")
  String runId;

  @Option(
      names = "--workers",
      paramLabel = "N",
      hidden = true,
      converter = BatchRanges.Workers.class,
      description =
          "1-10,000; refused here: see 'pitr migrate submit NAME --workers N' and --worker I/N.")
  Integer workers;

  /**
   * This process's share, after refusing what does not go with it.
   *
   * @param resume for {@code migrate resume}, where {@code --run-id} may be left out (the latest
   *     run across workers)
   * @throws PitrException {@link ErrorCode#USAGE} for a bad or missing option; nothing ran yet
   */
  Worker share(CommandSpec spec, String name, boolean resume, boolean dryRun, boolean backup) {
    if (workers != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--workers runs a migration across N workers on AWS Batch: 'pitr migrate submit "
              + name
              + " --workers "
              + workers
              + " --job-queue Q'; to run them yourself, start N processes 'pitr migrate prod "
              + name
              + " --worker I/"
              + workers
              + " --run-id RUN_ID' with one RUN_ID");
    }
    if (worker == null) {
      if (runId != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--run-id names the run of several workers; pass --worker I/N with it, or leave"
                + " --run-id out for a run of one process");
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
              + " point-in-time recovery can undo the run), or back the tables up first");
    }
    return w;
  }
}
