package pitr.copy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The failure files that earlier processes of a run left unresolved ({@link FailureLog}), which a
 * resume writes again before it goes on: those of the same worker ({@code --worker I/N}), never
 * another worker's, which may still be appending to its own. (A resume that takes segments of
 * another worker copies the pages with its failures again anyway: such pages are never
 * checkpointed.) Each is checked before anything is written ({@link FailureRecords}); once every
 * item in them was written again or filed anew in this process's own failure file, they are renamed
 * to {@code <file>.resolved} and marked resolved in the checkpoints.
 */
final class EarlierFailures {
  static final EarlierFailures NONE = new EarlierFailures(List.of(), List.of());

  /** An unresolved failure file, checked; {@code checked} is null when nothing is left to write. */
  private record Earlier(FailureLog log, FailureRecords.Checked checked) {}

  private final List<Earlier> files;
  private final List<String> notes;

  private EarlierFailures(List<Earlier> files, List<String> notes) {
    this.files = files;
    this.notes = notes;
  }

  /**
   * Loads and checks the unresolved failure files of run {@code r.runId()} that this process takes
   * over.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when one cannot be trusted or is missing
   */
  static Mono<EarlierFailures> load(Checkpoints checkpoints, CopyRequest r) {
    Path own = r.failureFile().toAbsolutePath();
    return checkpoints
        .failureLogs(r.runId())
        .map(
            logs ->
                logs.stream()
                    .filter(l -> !l.resolved() && !l.file().equals(own))
                    .filter(l -> l.worker().equals(r.worker()))
                    .sorted(java.util.Comparator.comparing(l -> l.file().toString()))
                    .toList())
        .flatMap(
            logs ->
                Mono.fromCallable(() -> check(r.runId(), logs))
                    .subscribeOn(Schedulers.boundedElastic()));
  }

  private static EarlierFailures check(String runId, List<FailureLog> logs) {
    List<Earlier> files = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (FailureLog log : logs) {
      Path file = log.file();
      Path resolved = FailureFile.resolvedName(file);
      String fix =
          "it holds items run "
              + runId
              + " could not write; restore it, or rename it to "
              + resolved
              + " to resume without it (the resume copies again every page that had a failure:"
              + " such pages are never checkpointed)";
      if (Files.exists(file)) {
        FailureRecords.Checked c = FailureRecords.check(file, log.records(), "Failure file", fix);
        files.add(new Earlier(log, c));
        if (c.note() != null) {
          notes.add(c.note());
        }
      } else if (Files.exists(resolved) || log.records() == 0) {
        // Resolved before its checkpoint said so, or its process never failed anything.
        files.add(new Earlier(log, null));
      } else {
        throw new PitrException(
            ErrorCode.USAGE,
            "Failure file "
                + file
                + " of run "
                + runId
                + " (worker "
                + log.worker()
                + ") does not exist, but the run's checkpoints count "
                + log.records()
                + " records in it: items the run could not write. Restore it (it may be on the"
                + " machine that ran that worker), or create an empty "
                + resolved
                + " to resume without it (the resume copies again every page that had a failure:"
                + " such pages are never checkpointed). Nothing was changed.");
      }
    }
    return new EarlierFailures(List.copyOf(files), List.copyOf(notes));
  }

  /** Records to write again. */
  long records() {
    return files.stream().mapToLong(e -> e.checked() == null ? 0 : e.checked().records()).sum();
  }

  /** The files with records to write again. */
  List<Path> files() {
    return files.stream().filter(e -> e.checked() != null).map(e -> e.log().file()).toList();
  }

  /** What the operator should know about the files. */
  List<String> notes() {
    return notes;
  }

  /** Every record to write again, file after file. */
  Flux<WriteRequest> requests() {
    return Flux.fromIterable(files)
        .filter(e -> e.checked() != null)
        .concatMap(
            e ->
                FailureRecords.read(
                        e.checked(),
                        "Failure file",
                        "it changed while it was read; resume the run again")
                    .subscribeOn(Schedulers.boundedElastic()));
  }

  /**
   * Marks every file resolved: renames it and records that in the checkpoints. Call once each
   * record was written or filed in this process's failure file, and that file's count is saved.
   */
  Mono<Void> resolve(Checkpoints checkpoints, String runId) {
    return Flux.fromIterable(files)
        .concatMap(
            e ->
                Mono.fromCallable(
                        () -> {
                          if (Files.exists(e.log().file())) {
                            FailureRecords.resolve(e.log().file());
                          }
                          return true;
                        })
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(checkpoints.saveFailureLog(runId, e.log().asResolved())))
        .then();
  }
}
