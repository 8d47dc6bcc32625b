package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** A durable engine commits concurrent writes together, and every acknowledged one survives. */
class GroupCommitTest {
  private static final int WRITERS = 4;
  private static final int PUTS_EACH = 100;

  @Test
  void concurrentPuts_shareCommits_andAllSurviveARestart(@TempDir Path dir) throws Exception {
    try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(), dir)) {
      engine.createTable(
          CreateTableRequest.builder()
              .tableName("orders")
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
              .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
              .build());
      long before = engine.durableCommits();
      long changesBefore = engine.writer().changes();
      // The first commit waits until every writer has made a change, so they queue behind it and
      // the next commit covers theirs, however the threads are scheduled.
      java.util.concurrent.atomic.AtomicBoolean first =
          new java.util.concurrent.atomic.AtomicBoolean();
      engine
          .writer()
          .beforeCommit(
              () -> {
                if (first.compareAndSet(false, true)) {
                  long deadline =
                      System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                  while (engine.writer().changes() - changesBefore < WRITERS
                      && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                  }
                }
              });
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < PUTS_EACH; i++) {
                      engine.putItem(
                          PutItemRequest.builder()
                              .tableName("orders")
                              .item(Map.of("pk", AttributeValue.fromS(writer + "-" + i)))
                              .build());
                    }
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }

      long commits = engine.durableCommits() - before;
      assertThat(commits).isPositive().isLessThan(WRITERS * PUTS_EACH);
    }
    try (LocalEngine reopened = LocalEngine.open(EngineConfig.defaults(), dir)) {
      assertThat(
              reopened
                  .describeTable(DescribeTableRequest.builder().tableName("orders").build())
                  .table()
                  .itemCount())
          .isEqualTo(WRITERS * PUTS_EACH);
      assertThat(
              reopened
                  .getItem(
                      GetItemRequest.builder()
                          .tableName("orders")
                          .key(Map.of("pk", AttributeValue.fromS("3-99")))
                          .build())
                  .hasItem())
          .isTrue();
    }
  }
}
