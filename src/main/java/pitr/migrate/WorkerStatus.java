package pitr.migrate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import pitr.copy.Worker;

/**
 * One worker of a migration run across workers, as {@code pitr migrate list} shows it: its state at
 * an instant and what its latest attempt did.
 *
 * @param worker I/N
 * @param state what it is doing
 * @param read items its latest attempt read, or -1 before it started
 * @param written writes its latest attempt confirmed, or -1 before it started
 * @param heartbeat its last heartbeat, or null before it started
 * @param host where it ran, or null
 * @param batchJobId its AWS Batch job id, or null
 */
public record WorkerStatus(
    Worker worker,
    State state,
    long read,
    long written,
    Instant heartbeat,
    String host,
    String batchJobId) {

  /** What a worker is doing. */
  public enum State {
    /** Not started yet (AWS Batch still queues it, or its process was not launched). */
    PENDING,
    /** Its heartbeat is renewed: working. */
    RUNNING,
    /** Finished its share. */
    DONE,
    /**
     * Its migration failed, or its process died (heartbeat lapsed): resume it with {@code pitr
     * migrate resume NAME --run-id R --worker I/N}.
     */
    FAILED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The workers of a run of {@code count} workers from their entries, judged at {@code now}. */
  static List<WorkerStatus> of(int count, List<WorkerLedger.WorkerEntry> entries, Instant now) {
    List<WorkerStatus> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      int index = i;
      WorkerLedger.WorkerEntry e =
          entries.stream().filter(x -> x.worker().index() == index).findFirst().orElse(null);
      if (e == null) {
        out.add(new WorkerStatus(new Worker(i, count), State.PENDING, -1, -1, null, null, null));
        continue;
      }
      State state =
          switch (e.state()) {
            case "DONE" -> State.DONE;
            case "FAILED" -> State.FAILED;
            default ->
                e.expires() != null && e.expires().isAfter(now) ? State.RUNNING : State.FAILED;
          };
      out.add(
          new WorkerStatus(
              e.worker(), state, e.read(), e.written(), e.heartbeat(), e.host(), e.batchJobId()));
    }
    return out;
  }
}
