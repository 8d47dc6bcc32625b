package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.ConditionalWriter.Condition;
import pitr.copy.ConditionalWriter.Status;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.Throttling;
import pitr.local.Faults;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ConditionalWriterTest {
  @TempDir Path dir;

  private final LocalTarget local = new LocalTarget();

  @AfterEach
  void stop() {
    local.close();
  }

  private ConditionalWriter writer(String table) {
    return ConditionalWriter.create(
        local.gateway(),
        table,
        AdaptiveRateLimiter.create(0, Schedulers.parallel()),
        Throttling.retry(1, Duration.ofMillis(1), Duration.ofMillis(5), Schedulers.parallel()),
        dir.resolve("failures.jsonl"));
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  private static Map<String, AttributeValue> item(String pk, String v) {
    return Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v));
  }

  /** Holds while {@code v} is {@code value}. */
  private static Condition vIs(String value) {
    return new Condition("#v = :v", Map.of("#v", "v"), Map.of(":v", AttributeValue.fromS(value)));
  }

  private Map<String, AttributeValue> read(String pk) {
    var r =
        local.client.getItem(g -> g.tableName("things").key(key(pk)).consistentRead(true)).join();
    return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
  }

  @Test
  void put_whenTheConditionHolds_writesAndReportsTheCapacity() throws Exception {
    local.createTable("things");
    local.client.putItem(r -> r.tableName("things").item(item("a", "bad"))).join();

    try (ConditionalWriter w = writer("things")) {
      ConditionalWriter.Outcome o = w.put(item("a", "good"), key("a"), vIs("bad")).block();

      assertThat(o.status()).isEqualTo(Status.WRITTEN);
      assertThat(o.units()).isEqualTo(1.0);
    }
    assertThat(read("a")).isEqualTo(item("a", "good"));
  }

  @Test
  void put_refusedBecauseTheItemAlreadyIsTheImage_countsAsAlreadyApplied() throws Exception {
    local.createTable("things");
    local.client.putItem(r -> r.tableName("things").item(item("a", "good"))).join();

    try (ConditionalWriter w = writer("things")) {
      assertThat(w.put(item("a", "good"), key("a"), vIs("bad")).block().status())
          .isEqualTo(Status.ALREADY_APPLIED);
    }
  }

  @Test
  void put_refusedBecauseSomeoneElseWrote_isChanged_andTheirWriteStays() throws Exception {
    local.createTable("things");
    local.client.putItem(r -> r.tableName("things").item(item("a", "theirs"))).join();

    try (ConditionalWriter w = writer("things")) {
      assertThat(w.put(item("a", "good"), key("a"), vIs("bad")).block().status())
          .isEqualTo(Status.CHANGED);
    }
    assertThat(read("a")).isEqualTo(item("a", "theirs"));
  }

  @Test
  void delete_refusedBecauseTheItemIsAlreadyGone_countsAsAlreadyApplied() throws Exception {
    local.createTable("things");

    try (ConditionalWriter w = writer("things")) {
      assertThat(w.delete(key("a"), vIs("bad")).block().status()).isEqualTo(Status.ALREADY_APPLIED);
    }
  }

  @Test
  void write_failingPastTheRetryBudget_goesToTheFailureFile_inTheReplayFormat() throws Exception {
    local.createTable("things");
    local.engine.setFaults(Faults.parse("error=1"));

    ConditionalWriter.Outcome o;
    try (ConditionalWriter w = writer("things")) {
      o = w.put(item("a", "good"), key("a"), vIs("bad")).block();
      assertThat(w.failed()).isEqualTo(1);
    } finally {
      local.engine.setFaults(Faults.NONE);
    }

    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.error()).isNotBlank();
    List<String> lines = Files.readAllLines(dir.resolve("failures.jsonl"));
    assertThat(lines).hasSize(1);
    JsonNode n = new ObjectMapper().readTree(lines.get(0));
    assertThat(n.get("table").asText()).isEqualTo("things");
    assertThat(n.get("op").asText()).isEqualTo("put");
    assertThat(n.at("/item/v/S").asText()).isEqualTo("good");
    assertThat(n.get("error").asText()).isEqualTo(o.error());
    assertThat(read("a")).isNull();
  }

  @Test
  void write_toAMissingTable_failsTheCall_insteadOfFilingEveryItem() throws Exception {
    try (ConditionalWriter w = writer("missing")) {
      assertThatThrownBy(() -> w.put(item("a", "good"), key("a"), vIs("bad")).block())
          .isInstanceOf(PitrException.class)
          .extracting(e -> ((PitrException) e).code())
          .isEqualTo(ErrorCode.USAGE);
      assertThat(w.failed()).isZero();
    }
    assertThat(dir.resolve("failures.jsonl")).doesNotExist();
  }
}
