package pitr.rollback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.migrate.DynamoJson;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Applies a plan exactly as it is: each write is a single PutItem or DeleteItem conditional on the
 * item still being the image the plan saw (every attribute compared, or absent), so a write that
 * landed after planning is reported as a conflict instead of being clobbered. Throttling and server
 * errors are retried with backoff; writes are paced to {@code maxWcu}. Then every written key is
 * read back and compared with the plan.
 *
 * <p>Rerunning a plan is safe: items already restored no longer match {@code expected}, so they are
 * refused and reported as changed; check them with the verification.
 */
final class RollbackApplier {
  private static final int CONCURRENCY = 16;

  private final Tables tables;
  private final Clock clock;
  private final Scheduler scheduler;

  RollbackApplier(Tables tables, Clock clock, Scheduler scheduler) {
    this.tables = tables;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  Mono<ApplyResult> apply(RollbackPlan plan, double maxWcu) {
    return Mono.defer(
        () -> {
          Instant start = clock.instant();
          String table = plan.table();
          AtomicLong restored = new AtomicLong();
          AtomicLong deleted = new AtomicLong();
          DoubleAdder wcu = new DoubleAdder();
          List<Map<String, AttributeValue>> changed =
              Collections.synchronizedList(new ArrayList<>());
          List<String> failed = Collections.synchronizedList(new ArrayList<>());
          List<PlanItem> written = Collections.synchronizedList(new ArrayList<>());
          AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(maxWcu, scheduler);
          List<Map<String, AttributeValue>> conflicts =
              plan.items().stream()
                  .filter(i -> i.action() == Action.CONFLICT)
                  .map(PlanItem::key)
                  .toList();
          return Flux.fromIterable(plan.items())
              .filter(PlanItem::writes)
              .flatMap(
                  item ->
                      limiter
                          .acquire(units(item))
                          .then(write(table, item, limiter::throttled))
                          .doOnNext(
                              c -> {
                                limiter.settle(units(item), c);
                                wcu.add(c);
                                written.add(item);
                                (item.action() == Action.DELETE ? deleted : restored)
                                    .incrementAndGet();
                              })
                          .onErrorResume(
                              ConditionalCheckFailedException.class,
                              e -> {
                                changed.add(item.key());
                                return Mono.empty();
                              })
                          .onErrorResume(
                              e -> {
                                failed.add(DynamoJson.toText(item.key()) + ": " + e.getMessage());
                                return Mono.empty();
                              }),
                  CONCURRENCY)
              .then(Mono.defer(() -> verify(table, written)))
              .map(
                  wrong ->
                      new ApplyResult(
                          restored.get(),
                          deleted.get(),
                          conflicts,
                          List.copyOf(changed),
                          List.copyOf(failed),
                          wrong,
                          wcu.sum(),
                          Duration.between(start, clock.instant())));
        });
  }

  private static long units(PlanItem item) {
    return item.image() == null ? 1 : ItemSize.writeUnits(item.image());
  }

  private Mono<Double> write(String table, PlanItem item, Runnable onThrottle) {
    ExpectedImage c = ExpectedImage.of(item.key(), item.expected());
    if (item.action() == Action.DELETE) {
      return tables
          .call(
              () ->
                  tables
                      .client()
                      .deleteItem(
                          r ->
                              r.tableName(table)
                                  .key(item.key())
                                  .conditionExpression(c.expression())
                                  .expressionAttributeNames(c.names())
                                  .expressionAttributeValues(
                                      c.values().isEmpty() ? null : c.values())
                                  .returnConsumedCapacity(Tables.total())),
              onThrottle)
          .map(r -> capacity(r.consumedCapacity()));
    }
    return tables
        .call(
            () ->
                tables
                    .client()
                    .putItem(
                        r ->
                            r.tableName(table)
                                .item(item.image())
                                .conditionExpression(c.expression())
                                .expressionAttributeNames(c.names())
                                .expressionAttributeValues(c.values().isEmpty() ? null : c.values())
                                .returnConsumedCapacity(Tables.total())),
            onThrottle)
        .map(r -> capacity(r.consumedCapacity()));
  }

  private static double capacity(ConsumedCapacity c) {
    return c == null || c.capacityUnits() == null ? 0 : c.capacityUnits();
  }

  /** Reads back every written key; returns those that do not hold the planned image. */
  private Mono<List<Map<String, AttributeValue>>> verify(String table, List<PlanItem> written) {
    if (written.isEmpty()) {
      return Mono.just(List.of());
    }
    List<Map<String, AttributeValue>> keys = written.stream().map(PlanItem::key).toList();
    return tables
        .get(table, keys)
        .map(
            now -> {
              List<Map<String, AttributeValue>> wrong = new ArrayList<>();
              for (PlanItem i : written) {
                if (!Tables.same(now.get(Tables.keyId(i.key())), i.image())) {
                  wrong.add(i.key());
                }
              }
              return wrong;
            });
  }

  /** A ConditionExpression that holds when the item is exactly {@code expected}. */
  record ExpectedImage(
      String expression, Map<String, String> names, Map<String, AttributeValue> values) {
    static ExpectedImage of(Map<String, AttributeValue> key, Map<String, AttributeValue> expected) {
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>();
      if (expected == null) {
        names.put("#k", key.keySet().iterator().next());
        return new ExpectedImage("attribute_not_exists(#k)", names, values);
      }
      List<String> parts = new ArrayList<>();
      int n = 0;
      for (Map.Entry<String, AttributeValue> e : new java.util.TreeMap<>(expected).entrySet()) {
        names.put("#a" + n, e.getKey());
        values.put(":v" + n, e.getValue());
        parts.add("#a" + n + " = :v" + n);
        n++;
      }
      return new ExpectedImage(String.join(" AND ", parts), names, values);
    }
  }
}
