package pitr.copy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a copy-back run does.
 *
 * @param source the recovery table to copy from
 * @param target the table to copy into
 * @param segments parallel-scan segments; 0 picks from the source's size
 * @param concurrency batches in flight at most
 * @param maxWcu write-unit cap per second; 0 for none (adaptive only)
 * @param maxRcu read-unit cap per second on the scan; 0 for none
 * @param keysFile copy only these keys (JSON lines), or null for all
 * @param filter a DynamoDB filter expression on the source, or null
 * @param deleteExtra also delete items of the target that the source lacks
 * @param dryRun read everything and write nothing
 * @param runId run id: new, or one to resume
 * @param resume true when {@code runId} must name an existing run
 * @param worker this process's share of the segments
 * @param failureFile where unwritable items go
 * @param retries retry budget per batch
 * @param minBackoff first backoff
 * @param maxBackoff largest backoff
 * @param replayFile a failure file to write again instead of scanning, or null
 * @param filterNames expression attribute names the filter uses ({@code #n} to a name); null or
 *     empty for none
 * @param filterValues expression attribute values the filter uses ({@code :v} to a value); null or
 *     empty for none
 * @param overrides safety checks the operator chose to pass; null for none
 */
public record CopyRequest(
    String source,
    String target,
    int segments,
    int concurrency,
    double maxWcu,
    double maxRcu,
    Path keysFile,
    String filter,
    boolean deleteExtra,
    boolean dryRun,
    String runId,
    boolean resume,
    Worker worker,
    Path failureFile,
    int retries,
    Duration minBackoff,
    Duration maxBackoff,
    Path replayFile,
    Map<String, String> filterNames,
    Map<String, AttributeValue> filterValues,
    Overrides overrides) {

  /**
   * Safety checks the operator chose to pass.
   *
   * @param intoRecoveryTable write into a table tagged as a recovery table ({@code
   *     --into-recovery-table})
   * @param force delete extra items of a target that is not the source of the recovery table copied
   *     from ({@code --force})
   */
  public record Overrides(boolean intoRecoveryTable, boolean force) {
    /** None: every check applies. */
    public static final Overrides NONE = new Overrides(false, false);
  }

  public CopyRequest {
    filterNames = filterNames == null ? Map.of() : Map.copyOf(filterNames);
    filterValues = filterValues == null ? Map.of() : Map.copyOf(filterValues);
    overrides = overrides == null ? Overrides.NONE : overrides;
  }

  /** The limits of this request, as a run records them. */
  public RunLimits limits() {
    return new RunLimits(
        maxWcu,
        maxRcu,
        concurrency,
        filter,
        filterNames,
        filterValues,
        keysFile == null ? null : keysFile.toAbsolutePath());
  }

  /** The same request with these tables, segments and limits. */
  CopyRequest with(String source, String target, int segments, RunLimits l) {
    return new CopyRequest(
        source,
        target,
        segments,
        l.concurrency(),
        l.maxWcu(),
        l.maxRcu(),
        l.keysFile(),
        l.filter(),
        deleteExtra,
        dryRun,
        runId,
        resume,
        worker,
        failureFile,
        retries,
        minBackoff,
        maxBackoff,
        replayFile,
        l.filterNames(),
        l.filterValues(),
        overrides);
  }

  /** The same request with these segments, calls in flight and write cap. */
  public CopyRequest withShape(int segments, int concurrency, double maxWcu) {
    return new CopyRequest(
        source,
        target,
        segments,
        concurrency,
        maxWcu,
        maxRcu,
        keysFile,
        filter,
        deleteExtra,
        dryRun,
        runId,
        resume,
        worker,
        failureFile,
        retries,
        minBackoff,
        maxBackoff,
        replayFile,
        filterNames,
        filterValues,
        overrides);
  }

  /** The same request with this filter expression and the placeholders it uses. */
  public CopyRequest withFilter(
      String expression, Map<String, String> names, Map<String, AttributeValue> values) {
    return new CopyRequest(
        source,
        target,
        segments,
        concurrency,
        maxWcu,
        maxRcu,
        keysFile,
        expression,
        deleteExtra,
        dryRun,
        runId,
        resume,
        worker,
        failureFile,
        retries,
        minBackoff,
        maxBackoff,
        replayFile,
        names,
        values,
        overrides);
  }

  /** Copy everything from {@code source} to {@code target} with defaults. */
  public static CopyRequest of(String source, String target, String runId, Path failureFile) {
    return new CopyRequest(
        source,
        target,
        0,
        16,
        0,
        0,
        null,
        null,
        false,
        false,
        runId,
        false,
        Worker.ALL,
        failureFile,
        10,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        null,
        null,
        null,
        Overrides.NONE);
  }
}
