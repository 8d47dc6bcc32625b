package pitr.copy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a copy-back run did.
 *
 * @param runId the run id (resume with {@code --resume})
 * @param source the table copied from
 * @param target the table copied to
 * @param segments total segments of the run
 * @param segmentsCopied segments this worker finished in this run
 * @param segmentsSkipped segments already finished by an earlier run
 * @param itemsRead items read from the source
 * @param itemsWritten items written to the target (dry run: that would be written)
 * @param itemsDeleted items deleted from the target (dry run: that would be deleted)
 * @param itemsFailed items in the failure file
 * @param keysMissing keys from {@code --keys} that the source does not have
 * @param writeUnits write units consumed (dry run: estimated)
 * @param elapsed how long it took
 * @param failureFile the failure file, or null when nothing failed
 * @param dryRun true when nothing was written
 * @param estimate for a dry run, how long the writes would take at the chosen rate; else null
 * @param limits the limits this process ran with
 * @param earlierFailuresRetried items that earlier processes of the run filed as failed and this
 *     one wrote again (or filed anew, counted in {@code itemsFailed})
 * @param resolvedFailureFiles failure files whose items were all written again or filed anew,
 *     renamed to {@code <file>.resolved}
 * @param stopped true when the run was asked to stop ({@link CopyBack#requestStop}) before it
 *     finished: what is written is checkpointed, and a resume copies the rest
 * @param abandoned when the run was abandoned while this process worked on it ({@code pitr runs
 *     abandon --force}), which stopped it as {@code stopped} does; else null
 */
public record CopyResult(
    String runId,
    String source,
    String target,
    int segments,
    int segmentsCopied,
    int segmentsSkipped,
    long itemsRead,
    long itemsWritten,
    long itemsDeleted,
    long itemsFailed,
    long keysMissing,
    double writeUnits,
    Duration elapsed,
    Path failureFile,
    boolean dryRun,
    Duration estimate,
    RunLimits limits,
    long earlierFailuresRetried,
    List<Path> resolvedFailureFiles,
    boolean stopped,
    CopyRunRecord.Abandoned abandoned) {}
