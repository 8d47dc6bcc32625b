package pitr.copy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run as a whole, worker by worker, from its checkpoints and, when it was submitted to AWS Batch,
 * the states Batch reports for its children: what {@code pitr runs show} prints and {@code --watch}
 * waits on.
 *
 * <p>A worker's state comes from its lease first (finished: done; renewed: running; lapsed: failed)
 * and from Batch when the lease says nothing or is contradicted: a child Batch reports FAILED is
 * failed, one it still queues is pending (or retrying, after a lapsed lease).
 *
 * @param status the run and its state as a whole
 * @param job the Batch job it was submitted as, or null
 * @param workers one row per worker, 1 to N
 */
public record RunOverview(RunStatus status, RunJob job, List<WorkerRow> workers) {

  /** What a worker is doing, as printed. */
  public enum WorkerState {
    /** Not started yet (no heartbeat), or queued by Batch. */
    PENDING,
    /** Its lease is renewed: working. */
    RUNNING,
    /** Its process is gone and Batch queued it again (its retry strategy): it will resume. */
    RETRYING,
    /** Finished its share. */
    DONE,
    /** Its process died (lease lapsed) or Batch reports it FAILED: resume it. */
    FAILED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One worker.
   *
   * @param worker I/N
   * @param state its state
   * @param done its segments or chunks done
   * @param owned its segments or chunks
   * @param lease its lease, or null before it started
   * @param batchJobId its Batch job id, or null
   * @param batchStatus what Batch reports for it, or null
   */
  public record WorkerRow(
      Worker worker,
      WorkerState state,
      int done,
      int owned,
      WorkerLease lease,
      String batchJobId,
      String batchStatus) {

    /** Items per second from its start to its last heartbeat, or -1 when it reported none. */
    public double itemsPerSecond() {
      return rate(p -> p.items());
    }

    /** WCU per second from its start to its last heartbeat, or -1 when it reported none. */
    public double wcuPerSecond() {
      return rate(WorkerProgress::wcu);
    }

    /** Items in its failure file, or -1 when it reported none. */
    public long failed() {
      return lease == null || lease.progress() == null ? -1 : lease.progress().failed();
    }

    private double rate(java.util.function.ToDoubleFunction<WorkerProgress> what) {
      if (lease == null || lease.progress() == null) {
        return -1;
      }
      Duration d = Duration.between(lease.progress().started(), lease.heartbeat());
      double seconds = Math.max(d.toMillis(), 1) / 1000.0;
      return what.applyAsDouble(lease.progress()) / seconds;
    }
  }

  /**
   * The overview of {@code status} with its leases and positions.
   *
   * @param batchStates Batch's status of each worker's job, by job id (empty without Batch)
   */
  public static RunOverview of(
      RunStatus status,
      RunJob job,
      List<WorkerLease> leases,
      Map<Integer, SegmentPosition> positions,
      Map<String, String> batchStates,
      Instant now) {
    int count =
        job != null
            ? job.workers()
            : leases.stream().mapToInt(l -> l.worker().count()).max().orElse(1);
    int total = status.run().totalSegments();
    List<WorkerRow> rows = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Worker w = new Worker(i, count);
      WorkerLease lease =
          leases.stream().filter(l -> l.worker().equals(w)).findFirst().orElse(null);
      int owned = 0;
      int done = 0;
      for (int s = 0; s < total; s++) {
        if (w.owns(s)) {
          owned++;
          SegmentPosition p = positions.get(s);
          done += p != null && p.done() ? 1 : 0;
        }
      }
      String batchId =
          job != null
              ? job.childId(i)
              : lease != null && lease.owner() != null ? lease.owner().batchJobId() : null;
      String batch = batchId == null ? null : batchStates.get(batchId);
      rows.add(new WorkerRow(w, state(lease, batch, now), done, owned, lease, batchId, batch));
    }
    return new RunOverview(status, job, rows);
  }

  private static WorkerState state(WorkerLease lease, String batch, Instant now) {
    boolean queued =
        batch != null && List.of("SUBMITTED", "PENDING", "RUNNABLE", "STARTING").contains(batch);
    if (lease == null) {
      if ("FAILED".equals(batch)) {
        return WorkerState.FAILED;
      }
      return WorkerState.PENDING;
    }
    return switch (lease.state(now)) {
      case FINISHED -> WorkerState.DONE;
      case RUNNING -> "FAILED".equals(batch) ? WorkerState.FAILED : WorkerState.RUNNING;
      default -> queued ? WorkerState.RETRYING : WorkerState.FAILED;
    };
  }

  /** Whether every worker is done or failed: nothing more will happen without the operator. */
  public boolean settled() {
    return workers.stream()
        .allMatch(w -> w.state() == WorkerState.DONE || w.state() == WorkerState.FAILED);
  }

  /** Whether any worker failed. */
  public boolean anyFailed() {
    return workers.stream().anyMatch(w -> w.state() == WorkerState.FAILED);
  }

  /** Segments or chunks done, by every worker. */
  public int done() {
    return workers.stream().mapToInt(WorkerRow::done).sum();
  }
}
