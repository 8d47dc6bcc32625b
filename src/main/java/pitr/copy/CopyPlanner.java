package pitr.copy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.KeySchema;
import pitr.dynamo.TableCapacity;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Checks a copy-back before its first write and makes its {@link CopyPlan}: the tables and their
 * keys, the direction ({@link CopyDirection}), the filter, the keys or replay file, the run it
 * joins and the failure files of that run's earlier processes; and with {@code --delete-extra}, the
 * items it will delete (a scan of the target, which the delete needs anyway). Writes nothing to any
 * table.
 */
final class CopyPlanner {
  static final String REPLAY_FIX =
      "replay a failure file as pitr wrote it, or remove the line to replay the others";

  private final DynamoDbGateway gateway;
  private final Checkpoints checkpoints;
  private final KeyLookup lookup;

  CopyPlanner(DynamoDbGateway gateway, Checkpoints checkpoints, KeyLookup lookup) {
    this.gateway = gateway;
    this.checkpoints = checkpoints;
    this.lookup = lookup;
  }

  /**
   * Checks everything before the first write: the tables and their keys, the direction ({@link
   * CopyDirection}), the filter, the keys or replay file, the failure files of earlier processes of
   * the run; and with {@code --delete-extra}, finds the items it will delete (a scan of the target,
   * which the delete needs anyway). Writes nothing to any table.
   *
   * @throws PitrException {@link ErrorCode#USAGE} for invalid input, {@link ErrorCode#REFUSED} for
   *     a refused direction
   */
  Mono<CopyPlan> plan(CopyRequest r) {
    if (r.items() instanceof CopySource.Replay replay) {
      return planReplay(r, replay);
    }
    String filterProblem =
        r.items() instanceof CopySource.Scan scan ? CopyFilter.problem(scan) : null;
    if (filterProblem != null) {
      return Mono.error(new PitrException(ErrorCode.USAGE, filterProblem));
    }
    return validate(r)
        .flatMap(
            tables ->
                CopyDirection.read(gateway, tables.get(0), tables.get(1))
                    .flatMap(
                        direction ->
                            plan(
                                r,
                                tables.get(0),
                                direction,
                                new CopyPlan.TableUnits(
                                    TableCapacity.readUnits(tables.get(0)),
                                    TableCapacity.writeUnits(tables.get(1))))));
  }

  /** A replay writes the records of a failure file into the target: no source, scan or run. */
  private Mono<CopyPlan> planReplay(CopyRequest r, CopySource.Replay replay) {
    return gateway
        .describeTable(r.target())
        .flatMap(to -> CopyDirection.read(gateway, null, to).map(d -> Map.entry(d, to)))
        .flatMap(
            pair -> {
              CopyDirection direction = pair.getKey();
              TableDescription to = pair.getValue();
              return blocking(
                  () -> {
                    direction.check(r);
                    FailureRecords.Checked checked =
                        FailureRecords.check(replay.file(), 0, "--replay file", REPLAY_FIX);
                    return new CopyPlan(
                        r,
                        null,
                        0,
                        direction,
                        null,
                        checked,
                        EarlierFailures.NONE,
                        0,
                        null,
                        new CopyPlan.TableUnits(0, TableCapacity.writeUnits(to)));
                  });
            });
  }

  private Mono<CopyPlan> plan(
      CopyRequest r, TableDescription from, CopyDirection direction, CopyPlan.TableUnits units) {
    KeySchema schema = KeySchema.of(from);
    Mono<KeysFile.Checked[]> checked =
        blocking(
            () -> {
              direction.check(r);
              return new KeysFile.Checked[] {
                r.items() instanceof CopySource.Keys k ? KeysFile.check(k.file(), schema) : null
              };
            });
    int bySize =
        CopyBack.defaultSegments(
            from.tableSizeBytes() == null ? 0 : from.tableSizeBytes(), r.worker());
    // A run that already exists keeps its segments: a resume needs no --segments. It is checked
    // here, before anything is written, and again when this process joins it.
    Mono<Integer> segments =
        (r.dryRun() ? Mono.<CopyRunRecord>empty() : checkpoints.find(r.runId()))
            .map(Optional::of)
            .defaultIfEmpty(Optional.empty())
            .map(
                run -> {
                  if (r.resume() && run.isEmpty()) {
                    throw RunLimits.noRun(r.runId(), checkpoints);
                  }
                  int asked = r.throughput().segments();
                  int n =
                      r.items() instanceof CopySource.Keys
                          ? 0
                          : asked > 0
                              ? asked
                              : run.map(CopyRunRecord::totalSegments).orElse(bySize);
                  run.ifPresent(existing -> RunSession.check(existing, RunSession.wanted(r, n)));
                  return n;
                });
    Mono<EarlierFailures> earlier =
        r.dryRun() ? Mono.just(EarlierFailures.NONE) : EarlierFailures.load(checkpoints, r);
    return checked.flatMap(
        keys ->
            segments.flatMap(
                n ->
                    earlier.flatMap(
                        e -> {
                          Path extraKeys =
                              r.deleteExtra() && keys[0] == null && !r.dryRun()
                                  ? ExtraItems.file(r)
                                  : null;
                          Mono<Long> extra =
                              !r.deleteExtra()
                                  ? Mono.just(0L)
                                  : keys[0] != null
                                      ? Mono.just(keys[0].keys())
                                      : new ExtraItems(gateway, lookup)
                                          .collect(r, schema, n, extraKeys);
                          return extra.map(
                              x ->
                                  new CopyPlan(
                                      r, schema, n, direction, keys[0], null, e, x, extraKeys,
                                      units));
                        })));
  }

  private Mono<List<TableDescription>> validate(CopyRequest r) {
    if (r.source().equals(r.target())) {
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "--from and --to both name table "
                  + r.source()
                  + "; copy-back copies a recovery table into another table"));
    }
    return gateway
        .describeTable(r.source())
        .zipWith(gateway.describeTable(r.target()))
        .flatMap(
            t -> {
              KeySchema from = KeySchema.of(t.getT1());
              KeySchema to = KeySchema.of(t.getT2());
              if (!from.equals(to)) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Key schemas differ: "
                            + r.source()
                            + " has "
                            + from.describe()
                            + " but "
                            + r.target()
                            + " has "
                            + to.describe()
                            + "; copy-back needs tables with the same key"));
              }
              Mono<Void> filterOk =
                  !(r.items() instanceof CopySource.Scan scan && scan.filtered())
                      ? Mono.empty()
                      : gateway
                          .scanPage(CopyFilter.spec(r.source(), scan, 1).withLimit(1), 0, null)
                          .onErrorMap(
                              e -> e instanceof PitrException p && p.code() == ErrorCode.USAGE,
                              e ->
                                  new PitrException(
                                      ErrorCode.USAGE,
                                      "--filter '"
                                          + scan.filter()
                                          + "' is invalid: "
                                          + DynamoDbGateway.message(e.getCause()),
                                      e))
                          .then();
              return filterOk.thenReturn(List.of(t.getT1(), t.getT2()));
            });
  }

  private static <T> Mono<T> blocking(Callable<T> call) {
    return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
  }
}
