package pitr.copy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a copy-back run does: build it with {@link #builder} (or {@link #of} for the defaults).
 *
 * @param source the recovery table to copy from (null for a replay without {@code --from})
 * @param target the table to copy into
 * @param items which items: a scan, a keys file or a replay of a failure file
 * @param throughput segments, batches in flight and the read and write caps
 * @param runId run id: new, or one to resume
 * @param resume true when {@code runId} must name an existing run
 * @param worker this process's share of the segments
 * @param failureFile where unwritable items go
 * @param retry the retry budget and backoff of each batch
 * @param deleteExtra also delete items of the target that the source lacks
 * @param dryRun read everything and write nothing
 * @param overrides safety checks the operator chose to pass
 */
public record CopyRequest(
    String source,
    String target,
    CopySource items,
    Throughput throughput,
    String runId,
    boolean resume,
    Worker worker,
    Path failureFile,
    Retry retry,
    boolean deleteExtra,
    boolean dryRun,
    Overrides overrides) {

  /**
   * How fast a copy goes.
   *
   * @param segments parallel-scan segments; 0 picks from the source's size
   * @param concurrency batches in flight at most
   * @param maxWcu write-unit cap per second; 0 for none (adaptive only)
   * @param maxRcu read-unit cap per second on the scan; 0 for none
   */
  public record Throughput(int segments, int concurrency, double maxWcu, double maxRcu) {
    /** Segments by size, 16 batches in flight, no caps. */
    public static final Throughput DEFAULT = new Throughput(0, 16, 0, 0);
  }

  /**
   * How each batch is retried.
   *
   * @param retries retry budget per batch
   * @param minBackoff first backoff
   * @param maxBackoff largest backoff
   */
  public record Retry(int retries, Duration minBackoff, Duration maxBackoff) {
    /** 10 retries from 100 ms to 10 s. */
    public static final Retry DEFAULT =
        new Retry(10, Duration.ofMillis(100), Duration.ofSeconds(10));
  }

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
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(throughput, "throughput");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(retry, "retry");
    overrides = overrides == null ? Overrides.NONE : overrides;
  }

  /** A request of run {@code runId} filing failures in {@code failureFile}, with the defaults. */
  public static Builder builder(String runId, Path failureFile) {
    return new Builder(runId, failureFile);
  }

  /** Copy everything from {@code source} to {@code target} with the defaults. */
  public static CopyRequest of(String source, String target, String runId, Path failureFile) {
    return builder(runId, failureFile).tables(source, target).build();
  }

  /** A builder holding this request. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The limits of this request, as a run records them. */
  public RunLimits limits() {
    return RunLimits.of(throughput, items, deleteExtra);
  }

  /** The same request with these tables, segments and limits (a resume's, {@link RunLimits}). */
  CopyRequest with(String source, String target, int segments, RunLimits l) {
    return toBuilder()
        .tables(source, target)
        .throughput(new Throughput(segments, l.concurrency(), l.maxWcu(), l.maxRcu()))
        .deleteExtra(l.deleteExtra())
        .items(
            items instanceof CopySource.Replay
                    || (items instanceof CopySource.Keys k && k.origin().equals(l.keys()))
                ? items
                : l.source())
        .build();
  }

  /** The same request with these segments, calls in flight and write cap. */
  public CopyRequest withShape(int segments, int concurrency, double maxWcu) {
    return toBuilder()
        .throughput(new Throughput(segments, concurrency, maxWcu, throughput.maxRcu()))
        .build();
  }

  /** Builds a {@link CopyRequest}; every part not set keeps its default. */
  public static final class Builder {
    private String source;
    private String target;
    private CopySource items = CopySource.Scan.ALL;
    private Throughput throughput = Throughput.DEFAULT;
    private final String runId;
    private boolean resume;
    private Worker worker = Worker.ALL;
    private final Path failureFile;
    private Retry retry = Retry.DEFAULT;
    private boolean deleteExtra;
    private boolean dryRun;
    private Overrides overrides = Overrides.NONE;

    private Builder(String runId, Path failureFile) {
      this.runId = runId;
      this.failureFile = failureFile;
    }

    private Builder(CopyRequest r) {
      this(r.runId, r.failureFile);
      source = r.source;
      target = r.target;
      items = r.items;
      throughput = r.throughput;
      resume = r.resume;
      worker = r.worker;
      retry = r.retry;
      deleteExtra = r.deleteExtra;
      dryRun = r.dryRun;
      overrides = r.overrides;
    }

    /** The table copied from (null for a replay that names none) and the table copied into. */
    public Builder tables(String source, String target) {
      this.source = source;
      this.target = target;
      return this;
    }

    /** Which items are copied; a scan of every item by default. */
    public Builder items(CopySource items) {
      this.items = items;
      return this;
    }

    /** Segments, batches in flight and caps. */
    public Builder throughput(Throughput throughput) {
      this.throughput = throughput;
      return this;
    }

    /** True when the run must exist already ({@code --resume}). */
    public Builder resume(boolean resume) {
      this.resume = resume;
      return this;
    }

    /** This process's share of the segments. */
    public Builder worker(Worker worker) {
      this.worker = worker;
      return this;
    }

    /** The retry budget and backoff of each batch. */
    public Builder retry(Retry retry) {
      this.retry = retry;
      return this;
    }

    /** Also delete items of the target that the source lacks. */
    public Builder deleteExtra(boolean deleteExtra) {
      this.deleteExtra = deleteExtra;
      return this;
    }

    /** Read everything and write nothing. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** The safety checks the operator chose to pass. */
    public Builder overrides(Overrides overrides) {
      this.overrides = overrides;
      return this;
    }

    public CopyRequest build() {
      return new CopyRequest(
          source,
          target,
          items,
          throughput,
          runId,
          resume,
          worker,
          failureFile,
          retry,
          deleteExtra,
          dryRun,
          overrides);
    }
  }
}
