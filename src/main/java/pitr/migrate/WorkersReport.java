package pitr.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import pitr.copy.Worker;

/**
 * What a run across workers did in this process ({@link InProcessWorkers}): the run as the ledger
 * holds it once every worker here ended, and each worker's outcome.
 *
 * @param report the run: its status, restore point and counts as recorded (every worker and every
 *     attempt), and the tables, journal and notes of the attempts made here
 * @param workers each worker of the run, in order
 */
public record WorkersReport(RunReport report, List<Outcome> workers) {

  /** How one worker ended here. */
  public enum State {
    /** Finished its share (now, or in an earlier attempt). */
    FINISHED,
    /** Its migration failed: the run ends FAILED; {@code pitr migrate resume NAME} continues it. */
    FAILED,
    /** Stopped by the operator (Ctrl-C): resume the run to continue it. */
    STOPPED,
    /** Not run here: it had finished its share in an earlier attempt. */
    DONE_BEFORE,
    /** Not run here: it is running elsewhere (its heartbeat is live); it ends the run itself. */
    ELSEWHERE
  }

  /**
   * One worker's outcome.
   *
   * @param worker I/N
   * @param state how it ended
   * @param read items its attempt here read (0 when it did not run here)
   * @param written writes its attempt here made
   * @param detail the failure, or where it runs, or null
   */
  public record Outcome(Worker worker, State state, long read, long written, String detail) {
    /** One line for the operator, e.g. "worker 2/3: finished its share (read 13, wrote 13)". */
    public String describe() {
      String w = "worker " + worker + ": ";
      return switch (state) {
        case FINISHED -> w + "finished its share (read " + read + ", wrote " + written + ")";
        case FAILED -> w + "failed (read " + read + ", wrote " + written + "): " + detail;
        case STOPPED -> w + "stopped (read " + read + ", wrote " + written + ")";
        case DONE_BEFORE -> w + "had finished its share already; skipped";
        case ELSEWHERE -> w + "is running elsewhere (" + detail + "); not run here";
      };
    }
  }

  /** True when a worker was stopped by the operator. */
  public boolean stopped() {
    return workers.stream().anyMatch(o -> o.state() == State.STOPPED);
  }

  /** The workers that failed here. */
  public List<Worker> failed() {
    return workers.stream().filter(o -> o.state() == State.FAILED).map(Outcome::worker).toList();
  }

  /** The tables of {@code reports} added up, table by table. */
  static List<RunReport.TableReport> sum(List<RunReport> reports) {
    Map<String, RunReport.TableReport> out = new LinkedHashMap<>();
    for (RunReport r : reports) {
      for (RunReport.TableReport t : r.tables()) {
        out.merge(
            t.table(),
            t,
            (a, b) ->
                new RunReport.TableReport(
                    a.table(),
                    a.read() + b.read(),
                    a.puts() + b.puts(),
                    a.updates() + b.updates(),
                    a.deletes() + b.deletes(),
                    a.conditionFailed() + b.conditionFailed(),
                    a.wcu() + b.wcu()));
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The counters of {@code reports} added up. */
  static Map<String, Long> counters(List<RunReport> reports) {
    Map<String, Long> out = new LinkedHashMap<>();
    reports.forEach(r -> r.counters().forEach((k, v) -> out.merge(k, v, Long::sum)));
    return out;
  }

  /**
   * The notes of {@code reports}, each once, less each worker's "the run ends when the others do"
   * (the outcomes say it).
   */
  static List<String> notes(List<String> first, List<RunReport> reports) {
    LinkedHashSet<String> out = new LinkedHashSet<>(first);
    reports.forEach(
        r ->
            r.notes().stream()
                .filter(n -> !(n.startsWith("worker ") && n.contains("; the run ends when ")))
                .forEach(out::add));
    return List.copyOf(out);
  }
}
