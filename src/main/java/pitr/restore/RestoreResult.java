package pitr.restore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a restore did.
 *
 * @param source the table restored from
 * @param target the new recovery table
 * @param targetArn its ARN
 * @param restorePoint the instant restored to (for {@code latest}, the latest restorable time seen
 *     when the restore started)
 * @param status the new table's status when the command returned (ACTIVE after a wait)
 * @param elapsed how long the restore took until then
 * @param tags the tags put on the new table
 * @param notCarriedOver settings of the source the new table does not have, one line each
 */
public record RestoreResult(
    String source,
    String target,
    String targetArn,
    Instant restorePoint,
    String status,
    Duration elapsed,
    Map<String, String> tags,
    List<String> notCarriedOver) {}
