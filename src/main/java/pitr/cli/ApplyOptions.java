package pitr.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.AtomicFiles;
import pitr.rollback.ApplyRequest;
import pitr.rollback.Rollbacks;
import reactor.core.scheduler.Scheduler;

/**
 * Options of commands that apply rollback plans: where plans, checkpoints and failure files live
 * ({@code --state-dir}, {@code --checkpoint-table}, {@code --failures}) and the retry budget.
 */
final class ApplyOptions {
  @Mixin StateOptions state = new StateOptions();

  @Option(
      names = "--failures",
      paramLabel = "FILE",
      description = "Failure file (default: <state-dir>/runs/<run>/failures.jsonl).")
  Path failures;

  @Mixin RetryOptions.PerWrite retry = new RetryOptions.PerWrite();

  @Option(
      names = "--chunk-items",
      paramLabel = "N",
      hidden = true,
      defaultValue = "100",
      converter = Ranges.ChunkItems.class,
      description = "Items per checkpointed chunk, 1-100,000 (default: ${DEFAULT-VALUE}).")
  int chunkItems;

  @Option(
      names = "--partition-items",
      paramLabel = "N",
      hidden = true,
      defaultValue = "50000",
      converter = Ranges.PartitionItems.class,
      description = "Items per plan partition, 1-10,000,000 (default: ${DEFAULT-VALUE}).")
  int partitionItems;

  Rollbacks rollbacks(Targets t, Clock clock, Scheduler scheduler) {
    return Rollbacks.create(t.client, clock, scheduler, settings(t));
  }

  /** The settings of rollbacks on {@code t}: plans are made under the state folder. */
  Rollbacks.Settings settings(Targets t) {
    return Rollbacks.Settings.defaults(
            t.gateway.target(), Targets.createdBy(), state.stateDir().resolve("rollbacks"))
        .withPartitionItems(partitionItems);
  }

  /**
   * Refuses, before any work, a state folder that cannot be written and a {@code --failures} path
   * that cannot be written: plans, checkpoints and failures go there, and finding out after the
   * restores or the writes would be too late.
   */
  void checkPaths() {
    Path dir = state.stateDir().toAbsolutePath();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Cannot use --state-dir "
              + state.stateDir()
              + ": "
              + (existing == null
                  ? "it has no existing parent folder"
                  : existing + (Files.isDirectory(existing) ? " is not writable" : " is a file"))
              + "; pass --state-dir a folder you can write to. Nothing was changed.");
    }
    if (failures != null) {
      AtomicFiles.checkWritable(failures, "--failures");
    }
  }

  /**
   * The apply request of run {@code runId}; commands build it before their first change, so a bad
   * value, or a {@code --checkpoint-table} that cannot keep the run ({@link
   * StateOptions#checkCheckpointTable}), is refused before anything is restored, exported, scanned
   * or written.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the option and its value ({@link
   *     ApplyRequest} checks them), or the checkpoint table's problem
   */
  ApplyRequest request(Targets t, String runId, boolean resume, double maxWcu) {
    ApplyRequest request =
        new ApplyRequest(
            runId,
            resume,
            maxWcu,
            state.checkpoints(t.gateway),
            failureFile(runId),
            chunkItems,
            retry.retries(),
            Duration.ofMillis(100),
            retry.maxBackoff);
    state.checkCheckpointTable(t.gateway);
    return request;
  }

  /** The failure file of run {@code runId}: {@code --failures}, or one in the run's folder. */
  Path failureFile(String runId) {
    return failures != null
        ? failures
        : state.stateDir().resolve("runs").resolve(runId).resolve("failures.jsonl");
  }
}
