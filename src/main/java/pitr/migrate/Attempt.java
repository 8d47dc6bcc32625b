package pitr.migrate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One attempt of a live run (the first, or one per resume), as it is recorded when it ends.
 *
 * @param record the run as recorded when the attempt started
 * @param handles the declared tables
 * @param journal the journal, or null when writes are not journaled (benchmarks)
 * @param ctx what the migration ran with
 * @param lease the lock the attempt holds
 * @param notes what the operator should know so far
 * @param request what was asked for
 * @param before what the earlier attempts of the run did, as their commit markers count it
 * @param resume the items skipped because an earlier attempt had written them
 */
record Attempt(
    RunRecord record,
    Map<String, TableHandle> handles,
    Journal journal,
    RunContext ctx,
    Lease lease,
    List<String> notes,
    RunRequest request,
    CommitMarker.Counts before,
    ResumeSkips resume) {
  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

  /**
   * Records how the attempt ended through {@code save} (the ledger's run record, or for a worker of
   * several its share, see {@link SharedRuns#end}). The run's counts are those of this attempt's
   * last commit marker (the writes the journal shows confirmed) added to the earlier attempts';
   * without a journal, this attempt's tallies take the place of the marker.
   */
  Mono<RunReport> end(
      java.util.function.Function<RunRecord, Mono<Void>> save,
      Clock clock,
      MigrationState status,
      String error) {
    List<RunReport.TableReport> tables = RunHandles.reports(handles);
    long read = tables.stream().mapToLong(RunReport.TableReport::read).sum();
    long written = tables.stream().mapToLong(t -> t.puts() + t.updates() + t.deletes()).sum();
    double wcu = tables.stream().mapToDouble(RunReport.TableReport::wcu).sum();
    CommitMarker.Counts total =
        before.plus(
            journal == null
                ? new CommitMarker.Counts(read, written, wcu)
                : new CommitMarker.Counts(
                    read, journal.committed().written(), journal.committed().wcu()));
    Instant finished = clock.instant();
    RunRecord done =
        record.finished(
            status,
            finished,
            total.read(),
            total.written(),
            Math.round(total.wcu() * 10) / 10.0,
            error);
    String skipped = resume.note();
    if (skipped != null) {
      notes.add(skipped);
    }
    log.info(
        "run finished migration={} runId={} status={} read={} written={} wcu={}",
        record.migration(),
        record.runId(),
        status,
        read,
        written,
        wcu);
    return save.apply(done)
        .then(Mono.fromSupplier(() -> List.copyOf(notes)))
        .map(
            noted ->
                new RunReport(
                    record.runId(),
                    record.migration(),
                    request.mode(),
                    false,
                    status,
                    record.restorePoint(),
                    record.startedAt(),
                    finished,
                    tables,
                    journal == null ? 0 : journal.entries(),
                    journal == null ? 0 : journal.wcu(),
                    0,
                    Duration.ZERO,
                    List.of(),
                    ctx.counters(),
                    noted,
                    error));
  }
}
