package pitr.rollback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import pitr.copy.KeySpill;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanSpec;
import pitr.export.ExportChange;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Plans a rollback item by item from recovery tables and the live table.
 *
 * <ul>
 *   <li>With the incident's end (T1): the candidates are the items that differ between T0 and T1.
 *       Live equals T1: nobody touched it since, restore T0 (or delete when absent at T0). Live
 *       equals T0: nothing to do. Otherwise a conflict.
 *   <li>Without T1: every item that differs between T0 and live is restored; items created after T0
 *       are deleted only with {@code deleteExtra}, else listed as extra.
 *   <li>By journal: the candidates are the journaled keys; live whose hash equals the journaled
 *       after-image hash is restored, anything else is a conflict.
 * </ul>
 *
 * <p>Memory stays flat in table size. For a table-scoped plan both tables compared are scanned in
 * parallel and each item is spilled as (key, item hash) into one of N partition files by key hash
 * (N from the tables' item counts, one partition per {@code partitionItems} items); then partition
 * by partition the T0 side is loaded and the other side streamed against it, and only the
 * candidates' images are read (T0 from the recovery table, live strongly consistent, 100 keys a
 * call). Items planned go straight to the plan file ({@link PlanWriter}). Spill files live in the
 * plan's folder and are deleted when planning ends.
 */
final class RollbackPlanner {
  private static final int SEGMENTS = 4;
  private static final int BATCH = 100;
  private static final int MAX_PARTITIONS = 4096;

  private final Tables tables;
  private final Clock clock;
  private final int partitionItems;
  private final ScanProgress progress;

  RollbackPlanner(Tables tables, Clock clock, int partitionItems) {
    this(tables, clock, partitionItems, ScanProgress.NONE);
  }

  /** A planner telling {@code progress} what its scans (or export reads) read. */
  RollbackPlanner(Tables tables, Clock clock, int partitionItems, ScanProgress progress) {
    this.tables = tables;
    this.clock = clock;
    this.partitionItems = partitionItems;
    this.progress = progress;
  }

  /** A candidate for a journal-scoped plan: a key and the hash of the image the run wrote. */
  record Journaled(Map<String, AttributeValue> key, String imageHash) {}

  /** A key that differs between the two tables compared, with its hash on the second (or null). */
  private record Candidate(String key, String otherHash) {}

  /** Partitions for tables of up to {@code items} items at {@code partitionItems} per partition. */
  static int partitions(long items, int partitionItems) {
    return (int) Math.max(1, Math.min(MAX_PARTITIONS, items / Math.max(1, partitionItems) + 1));
  }

  Mono<RollbackPlan> planTable(
      String live,
      Instant to,
      String t0Table,
      Instant incidentEnd,
      String t1Table,
      boolean overwrite,
      boolean deleteExtra,
      List<String> recoveryTables,
      Path dir) {
    DynamoDbGateway gateway = tables.gateway();
    String other = t1Table != null ? t1Table : live;
    return Mono.zip(
            gateway.describeTable(live),
            gateway.describeTable(t0Table),
            gateway.describeTable(other))
        .flatMap(
            t -> {
              KeySchema schema = KeySchema.of(t.getT1());
              long items = Math.max(count(t.getT1()), Math.max(count(t.getT2()), count(t.getT3())));
              int partitions = partitions(items, partitionItems);
              // Both compared tables are read in full: T0's recovery table, then T1's or live.
              progress.expect(count(t.getT2()) + count(t.getT3()));
              Path spill = dir.resolve("spill");
              // Eager clean-up: the spill is deleted before the plan reaches the caller.
              return Mono.using(
                  () -> PlanWriter.in(dir),
                  out ->
                      spill(t0Table, schema, spill.resolve("t0"), partitions)
                          .then(spill(other, schema, spill.resolve("other"), partitions))
                          .thenMany(Flux.range(0, partitions))
                          .concatMap(
                              p ->
                                  Mono.fromCallable(() -> candidates(spill, p))
                                      .subscribeOn(Schedulers.boundedElastic())
                                      .flatMapMany(Flux::fromIterable)
                                      .buffer(BATCH)
                                      .concatMap(
                                          batch ->
                                              judge(
                                                      live,
                                                      t0Table,
                                                      schema,
                                                      batch,
                                                      t1Table != null,
                                                      overwrite,
                                                      deleteExtra)
                                                  .doOnNext(out::addAll)),
                              1)
                          .then(
                              Mono.fromCallable(
                                      () ->
                                          out.finish(
                                              live,
                                              to,
                                              incidentEnd,
                                              "table",
                                              clock.instant(),
                                              recoveryTables))
                                  .subscribeOn(Schedulers.boundedElastic())),
                  out -> {
                    out.close();
                    delete(spill);
                  },
                  true);
            });
  }

  private static long count(TableDescription d) {
    return d.itemCount() == null ? 0 : d.itemCount();
  }

  /** Scans {@code table} and spills (key, item hash) of each item into its partition file. */
  private Mono<Void> spill(String table, KeySchema schema, Path dir, int partitions) {
    ScanSpec spec = new ScanSpec(table, SEGMENTS, null, Map.of(), Map.of(), null, true, null);
    return KeySpill.spill(
        tables.gateway(),
        spec,
        schema,
        dir,
        partitions,
        ItemHash::of,
        (n, units) -> {
          progress.read(n);
          progress.readUnits(units);
        });
  }

  private static List<Candidate> candidates(Path spill, int p) throws IOException {
    Map<String, String> t0 = new HashMap<>();
    KeySpill.forEach(spill.resolve("t0"), p, t0::put);
    List<Candidate> out = new ArrayList<>();
    KeySpill.forEach(
        spill.resolve("other"),
        p,
        (key, hash) -> {
          String before = t0.remove(key);
          if (!hash.equals(before)) {
            out.add(new Candidate(key, hash));
          }
        });
    t0.keySet().forEach(key -> out.add(new Candidate(key, null)));
    return out;
  }

  /** Reads T0 and live images of a batch of candidates and plans each. */
  private Mono<List<PlanItem>> judge(
      String live,
      String t0Table,
      KeySchema schema,
      List<Candidate> batch,
      boolean threeWay,
      boolean overwrite,
      boolean deleteExtra) {
    List<Map<String, AttributeValue>> keys =
        batch.stream().map(c -> schema.keyOf(ItemJson.read(c.key()))).toList();
    return Mono.zip(tables.get(t0Table, keys), tables.get(live, keys))
        .map(
            both -> {
              List<PlanItem> items = new ArrayList<>();
              for (int i = 0; i < batch.size(); i++) {
                Map<String, AttributeValue> key = keys.get(i);
                String id = Tables.keyId(key);
                Map<String, AttributeValue> before = both.getT1().get(id);
                Map<String, AttributeValue> now = both.getT2().get(id);
                if (Tables.same(before, now)) {
                  continue;
                }
                if (threeWay) {
                  String t1Hash = batch.get(i).otherHash();
                  boolean untouched =
                      now == null ? t1Hash == null : ItemHash.of(now).equals(t1Hash);
                  items.add(item(key, before, now, !untouched, overwrite));
                } else if (before == null) {
                  items.add(
                      new PlanItem(
                          key, deleteExtra ? Action.DELETE : Action.EXTRA, null, now, false));
                } else {
                  items.add(new PlanItem(key, Action.RESTORE, before, now, false));
                }
              }
              return items;
            });
  }

  Mono<RollbackPlan> planJournal(
      String live,
      Instant to,
      String t0Table,
      String scope,
      Flux<Journaled> journaled,
      boolean overwrite,
      List<String> recoveryTables,
      Path dir) {
    return Mono.using(
        () -> PlanWriter.in(dir),
        out ->
            journaled
                .buffer(BATCH)
                .concatMap(
                    batch -> {
                      List<Map<String, AttributeValue>> keys =
                          batch.stream().map(Journaled::key).toList();
                      return Mono.zip(tables.get(t0Table, keys), tables.get(live, keys))
                          .map(
                              both -> {
                                List<PlanItem> items = new ArrayList<>();
                                for (Journaled j : batch) {
                                  String id = Tables.keyId(j.key());
                                  Map<String, AttributeValue> before = both.getT1().get(id);
                                  Map<String, AttributeValue> current = both.getT2().get(id);
                                  PlanItem item =
                                      journaled(j.key(), before, current, j.imageHash(), overwrite);
                                  if (item != null) {
                                    items.add(item);
                                  }
                                }
                                return items;
                              });
                    })
                .doOnNext(out::addAll)
                .then(
                    Mono.fromCallable(
                            () ->
                                out.finish(live, to, null, scope, clock.instant(), recoveryTables))
                        .subscribeOn(Schedulers.boundedElastic())),
        PlanWriter::close);
  }

  /**
   * A journaled key with its image at the run's restore point (null: absent then), taken from
   * somewhere other than a restored table (an export's OldImage).
   */
  record JournaledImage(
      Map<String, AttributeValue> key, Map<String, AttributeValue> before, String imageHash) {}

  /**
   * Plans journaled keys whose images at the restore point are known already, as {@link
   * #planJournal} plans them from a restored table: only the live table is read (strongly
   * consistent, 100 keys a call).
   */
  Mono<RollbackPlan> planJournaledImages(
      String live,
      Instant to,
      String scope,
      Flux<JournaledImage> journaled,
      boolean overwrite,
      Path dir) {
    return Mono.using(
        () -> PlanWriter.in(dir),
        out ->
            journaled
                .buffer(BATCH)
                .concatMap(
                    batch ->
                        tables
                            .get(live, batch.stream().map(JournaledImage::key).toList())
                            .map(
                                now -> {
                                  List<PlanItem> items = new ArrayList<>();
                                  for (JournaledImage j : batch) {
                                    PlanItem item =
                                        journaled(
                                            j.key(),
                                            j.before(),
                                            now.get(Tables.keyId(j.key())),
                                            j.imageHash(),
                                            overwrite);
                                    if (item != null) {
                                      items.add(item);
                                    }
                                  }
                                  return items;
                                }))
                .doOnNext(out::addAll)
                .then(
                    Mono.fromCallable(
                            () -> out.finish(live, to, null, scope, clock.instant(), List.of()))
                        .subscribeOn(Schedulers.boundedElastic())),
        PlanWriter::close);
  }

  /**
   * The plan of one journaled key: nothing when live is its image at the restore point; restored
   * when live still holds what the run wrote; else a conflict.
   */
  private static PlanItem journaled(
      Map<String, AttributeValue> key,
      Map<String, AttributeValue> before,
      Map<String, AttributeValue> current,
      String imageHash,
      boolean overwrite) {
    if (Tables.same(before, current)) {
      return null;
    }
    String hash = current == null ? ItemHash.DELETED : ItemHash.of(current);
    return item(key, before, current, !hash.equals(imageHash), overwrite);
  }

  /**
   * Plans from the changes of an incremental export of [T0, T1): each change's OldImage is the
   * key's T0 image and its NewImage its T1 image, so only the changed keys of the live table are
   * read (strongly consistent, 100 keys a call), paced by {@code readRate} (one unit a key) when
   * given. Keys the same at both ends are no candidates, as they are not in a plan made from
   * restored tables.
   */
  Mono<RollbackPlan> planChanges(
      String live,
      Instant to,
      Instant incidentEnd,
      String scope,
      Flux<ExportChange> changes,
      boolean overwrite,
      AdaptiveRateLimiter readRate,
      Path dir) {
    return Mono.using(
        () -> PlanWriter.in(dir),
        out ->
            changes
                .doOnNext(c -> progress.read(1))
                .filter(c -> !Tables.same(c.oldImage(), c.newImage()))
                .buffer(BATCH)
                .concatMap(
                    batch ->
                        (readRate == null ? Mono.<Void>empty() : readRate.acquire(batch.size()))
                            .then(tables.get(live, batch.stream().map(ExportChange::key).toList()))
                            .map(
                                now -> {
                                  List<PlanItem> items = new ArrayList<>();
                                  for (ExportChange c : batch) {
                                    Map<String, AttributeValue> current =
                                        now.get(Tables.keyId(c.key()));
                                    if (Tables.same(c.oldImage(), current)) {
                                      continue;
                                    }
                                    boolean untouched = Tables.same(c.newImage(), current);
                                    items.add(
                                        item(
                                            c.key(), c.oldImage(), current, !untouched, overwrite));
                                  }
                                  return items;
                                }))
                .doOnNext(out::addAll)
                .then(
                    Mono.fromCallable(
                            () ->
                                out.finish(
                                    live, to, incidentEnd, scope, clock.instant(), List.of()))
                        .subscribeOn(Schedulers.boundedElastic())),
        PlanWriter::close);
  }

  private static PlanItem item(
      Map<String, AttributeValue> key,
      Map<String, AttributeValue> before,
      Map<String, AttributeValue> current,
      boolean conflict,
      boolean overwrite) {
    Action write = before == null ? Action.DELETE : Action.RESTORE;
    Action action = conflict && !overwrite ? Action.CONFLICT : write;
    return new PlanItem(key, action, before, current, conflict);
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // Leftover temporary files are harmless.
    }
  }
}
