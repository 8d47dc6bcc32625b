package pitr.runbook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import pitr.migrate.DynamoJson;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The {@code assert-*} steps: what a client reads from the table (strongly consistent) against what
 * the runbook expects. One that does not hold fails with {@link DrillAssertionFailed}, naming what
 * differs, and the drill goes on; {@code assert-unchanged} also adds the items it found lost to the
 * drill's data-lost total.
 */
final class AssertionSteps {
  private final DrillContext drill;
  private final DrillTables tables;

  AssertionSteps(DrillContext drill, DrillTables tables) {
    this.drill = drill;
    this.tables = tables;
  }

  Mono<String> count(Step.AssertCount s) {
    long expected =
        s.snapshot() != null ? drill.snapshots.get(s.snapshot()).size() : drill.scaled(s.equals());
    return tables
        .count(s.table())
        .map(
            count -> {
              if (count != expected) {
                throw new DrillAssertionFailed(
                    String.format("%s holds %,d items, expected %,d", s.table(), count, expected));
              }
              return String.format("%s holds %,d items", s.table(), count);
            });
  }

  Mono<String> ttl(Step.AssertTtl s) {
    String expected = s.attribute() == null || s.attribute().isBlank() ? null : s.attribute();
    return drill
        .gateway
        .describeTimeToLive(s.table())
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .map(
            found -> {
              if (found.isEmpty()) {
                throw new DrillAssertionFailed(
                    "the target does not report the TTL of " + s.table());
              }
              String status = found.get().timeToLiveStatusAsString();
              boolean on = "ENABLED".equals(status) || "ENABLING".equals(status);
              String actual = on ? found.get().attributeName() : null;
              String said = actual == null ? "off" : "on for " + actual;
              if (expected == null ? actual != null : !expected.equals(actual)) {
                throw new DrillAssertionFailed(
                    "TTL of "
                        + s.table()
                        + " is "
                        + said
                        + ", expected "
                        + (expected == null ? "off" : "on for " + expected));
              }
              return "TTL of " + s.table() + " is " + said;
            });
  }

  Mono<String> item(Step.AssertItem s) {
    Map<String, AttributeValue> key = new HashMap<>();
    s.key().forEach((name, v) -> key.put(name, AttributeValue.fromS(v)));
    return drill
        .gateway
        .getItem(
            GetItemRequest.builder().tableName(s.table()).key(key).consistentRead(true).build())
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .map(found -> check(s, DynamoJson.toText(key), found.orElse(null)));
  }

  private static String check(Step.AssertItem s, String id, Map<String, AttributeValue> item) {
    if (Boolean.TRUE.equals(s.absent())) {
      if (item != null) {
        throw new DrillAssertionFailed(
            "item " + id + " exists in " + s.table() + ", expected it absent");
      }
      return "item " + id + " is absent";
    }
    if (item == null) {
      throw new DrillAssertionFailed("item " + id + " is missing from " + s.table());
    }
    List<String> wrong = new ArrayList<>();
    if (s.attributes() != null) {
      s.attributes()
          .forEach(
              (name, want) -> {
                String got = text(name, item.get(name));
                if (!want.equals(got)) {
                  wrong.add(
                      name
                          + " is "
                          + (got == null ? "absent" : "'" + got + "'")
                          + ", expected '"
                          + want
                          + "'");
                }
              });
    }
    if (!wrong.isEmpty()) {
      throw new DrillAssertionFailed("item " + id + ": " + String.join("; ", wrong));
    }
    return "item " + id + " is as expected";
  }

  /** A value as a runbook writes it: a string or number as is, anything else as DynamoDB JSON. */
  private static String text(String name, AttributeValue v) {
    if (v == null) {
      return null;
    }
    if (v.s() != null) {
      return v.s();
    }
    return v.n() != null ? v.n() : DynamoJson.toText(Map.of(name, v));
  }

  Mono<String> unchanged(Step.AssertUnchanged s) {
    Map<String, Map<String, AttributeValue>> before = drill.snapshots.get(s.snapshot());
    Map<String, Map<String, AttributeValue>> kept = new HashMap<>();
    if (s.except() != null) {
      s.except().forEach(id -> kept.putAll(drill.traffic.get(id)));
    }
    return tables
        .load(s.table())
        .map(
            now -> {
              List<String> lost = new ArrayList<>();
              List<String> clobbered = new ArrayList<>();
              Set<String> ids = new LinkedHashSet<>(before.keySet());
              ids.addAll(now.keySet());
              for (String id : ids) {
                Map<String, AttributeValue> current = now.get(id);
                if (kept.containsKey(id)) {
                  if (!same(current, kept.get(id))) {
                    clobbered.add(describe(id, current, kept.get(id)));
                  }
                } else if (!same(current, before.get(id))) {
                  lost.add(describe(id, current, before.get(id)));
                }
              }
              drill.dataLost += lost.size();
              if (!lost.isEmpty() || !clobbered.isEmpty()) {
                throw new DrillAssertionFailed(why(s, lost, clobbered));
              }
              return String.format(
                  "%,d items as in snapshot %s, %,d items written during the incident kept",
                  now.size() - kept.values().stream().filter(v -> v != null).count(),
                  s.snapshot(),
                  kept.size());
            });
  }

  private static String why(Step.AssertUnchanged s, List<String> lost, List<String> clobbered) {
    StringBuilder why = new StringBuilder();
    if (!lost.isEmpty()) {
      why.append(
          String.format(
              "%,d items differ from snapshot %s (data lost), e.g. %s",
              lost.size(),
              s.snapshot(),
              String.join("; ", lost.subList(0, Math.min(3, lost.size())))));
    }
    if (!clobbered.isEmpty()) {
      why.append(why.length() == 0 ? "" : ". ")
          .append(
              String.format(
                  "%,d items written during the incident were overwritten, e.g. %s",
                  clobbered.size(),
                  String.join("; ", clobbered.subList(0, Math.min(3, clobbered.size())))));
    }
    return why.toString();
  }

  private static boolean same(Map<String, AttributeValue> a, Map<String, AttributeValue> b) {
    return a == null || b == null ? a == b : ItemHash.of(a).equals(ItemHash.of(b));
  }

  private static String describe(
      String id, Map<String, AttributeValue> now, Map<String, AttributeValue> expected) {
    return "key "
        + id
        + " is "
        + (now == null ? "missing" : DynamoJson.toText(now))
        + ", expected "
        + (expected == null ? "absent" : DynamoJson.toText(expected));
  }

  Mono<String> conflicts(Step.AssertConflicts s) {
    return Mono.fromSupplier(
        () -> {
          List<String> wrong = new ArrayList<>();
          if (s.equals() != null && drill.lastConflicts.size() != s.equals()) {
            wrong.add(
                String.format(
                    "the rollback reported %,d conflicts, expected %,d",
                    drill.lastConflicts.size(), s.equals()));
          }
          if (s.traffic() != null) {
            wrong.addAll(againstTraffic(s.traffic()));
          }
          if (!wrong.isEmpty()) {
            throw new DrillAssertionFailed(String.join("; ", wrong));
          }
          return String.format("%,d conflicts reported, as expected", drill.lastConflicts.size());
        });
  }

  /** What is wrong with the last rollback's conflicts, given what traffic {@code id} wrote. */
  private List<String> againstTraffic(String id) {
    List<String> wrong = new ArrayList<>();
    Set<String> expected = new LinkedHashSet<>(drill.traffic.get(id).keySet());
    expected.retainAll(drill.lastCandidates);
    if (expected.isEmpty()) {
      wrong.add(
          "traffic "
              + id
              + " wrote no item the rollback considered, so the drill does not test conflicts;"
              + " make the traffic overlap the bad change");
    }
    Set<String> missing = new LinkedHashSet<>(expected);
    missing.removeAll(drill.lastConflicts);
    Set<String> extra = new LinkedHashSet<>(drill.lastConflicts);
    extra.removeAll(expected);
    if (!missing.isEmpty()) {
      wrong.add(
          String.format(
              "%,d items written by %s were not reported as conflicts, e.g. %s",
              missing.size(), id, missing.iterator().next()));
    }
    if (!extra.isEmpty()) {
      wrong.add(
          String.format(
              "%,d conflicts were not written by %s, e.g. %s",
              extra.size(), id, extra.iterator().next()));
    }
    return wrong;
  }
}
