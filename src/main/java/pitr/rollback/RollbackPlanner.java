package pitr.rollback;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
 * <p>Recovery tables are read whole into memory; fine for drills and tables up to a few million
 * small items.
 */
final class RollbackPlanner {
  private final Tables tables;
  private final Clock clock;

  RollbackPlanner(Tables tables, Clock clock) {
    this.tables = tables;
    this.clock = clock;
  }

  /** A candidate for a journal-scoped plan: a key and the hash of the image the run wrote. */
  record Journaled(Map<String, AttributeValue> key, String imageHash) {}

  Mono<RollbackPlan> planTable(
      String live,
      Instant to,
      String t0Table,
      Instant incidentEnd,
      String t1Table,
      boolean overwrite,
      boolean deleteExtra) {
    return tables
        .keySchema(live)
        .flatMap(
            keys ->
                tables
                    .load(t0Table, keys)
                    .flatMap(
                        t0 ->
                            t1Table == null
                                ? tables
                                    .load(live, keys)
                                    .map(now -> twoWay(t0, now, keys, overwrite, deleteExtra))
                                : tables
                                    .load(t1Table, keys)
                                    .flatMap(t1 -> threeWay(live, keys, t0, t1, overwrite))))
        .map(items -> new RollbackPlan(live, to, incidentEnd, "table", clock.instant(), items));
  }

  private List<PlanItem> twoWay(
      Map<String, Map<String, AttributeValue>> t0,
      Map<String, Map<String, AttributeValue>> live,
      List<String> keys,
      boolean overwrite,
      boolean deleteExtra) {
    Set<String> ids = new LinkedHashSet<>(t0.keySet());
    ids.addAll(live.keySet());
    List<PlanItem> items = new ArrayList<>();
    for (String id : ids) {
      Map<String, AttributeValue> before = t0.get(id);
      Map<String, AttributeValue> now = live.get(id);
      if (Tables.same(before, now)) {
        continue;
      }
      Map<String, AttributeValue> key = Tables.key(before != null ? before : now, keys);
      if (before == null) {
        items.add(new PlanItem(key, deleteExtra ? Action.DELETE : Action.EXTRA, null, now, false));
      } else {
        items.add(new PlanItem(key, Action.RESTORE, before, now, false));
      }
    }
    return items;
  }

  private Mono<List<PlanItem>> threeWay(
      String live,
      List<String> keys,
      Map<String, Map<String, AttributeValue>> t0,
      Map<String, Map<String, AttributeValue>> t1,
      boolean overwrite) {
    Set<String> ids = new LinkedHashSet<>(t0.keySet());
    ids.addAll(t1.keySet());
    List<Map<String, AttributeValue>> candidates = new ArrayList<>();
    for (String id : ids) {
      Map<String, AttributeValue> a = t0.get(id);
      Map<String, AttributeValue> b = t1.get(id);
      if (!Tables.same(a, b)) {
        candidates.add(Tables.key(a != null ? a : b, keys));
      }
    }
    return tables
        .get(live, candidates)
        .map(
            now -> {
              List<PlanItem> items = new ArrayList<>();
              for (Map<String, AttributeValue> key : candidates) {
                String id = Tables.keyId(key);
                Map<String, AttributeValue> current = now.get(id);
                Map<String, AttributeValue> before = t0.get(id);
                if (Tables.same(current, before)) {
                  continue;
                }
                boolean untouched = Tables.same(current, t1.get(id));
                items.add(item(key, before, current, !untouched, overwrite));
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
      boolean overwrite) {
    return journaled
        .buffer(100)
        .concatMap(
            batch -> {
              List<Map<String, AttributeValue>> keys = batch.stream().map(Journaled::key).toList();
              return Mono.zip(tables.get(t0Table, keys), tables.get(live, keys))
                  .flatMapIterable(
                      both -> {
                        List<PlanItem> items = new ArrayList<>();
                        for (Journaled j : batch) {
                          String id = Tables.keyId(j.key());
                          Map<String, AttributeValue> before = both.getT1().get(id);
                          Map<String, AttributeValue> current = both.getT2().get(id);
                          if (Tables.same(before, current)) {
                            continue;
                          }
                          String hash = current == null ? ItemHash.DELETED : ItemHash.of(current);
                          boolean untouched = hash.equals(j.imageHash());
                          items.add(item(j.key(), before, current, !untouched, overwrite));
                        }
                        return items;
                      });
            })
        .collectList()
        .map(items -> new RollbackPlan(live, to, null, scope, clock.instant(), items));
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
}
