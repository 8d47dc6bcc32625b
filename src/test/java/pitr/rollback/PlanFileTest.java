package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class PlanFileTest {
  @TempDir Path dir;

  private static Map<String, AttributeValue> item(String pk, String v) {
    return Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v));
  }

  @Test
  void writeThenRead_returnsTheSamePlan_andTheHeaderCountsEachAction() throws Exception {
    Map<String, AttributeValue> a = Map.of("pk", AttributeValue.fromS("a"));
    Map<String, AttributeValue> b = Map.of("pk", AttributeValue.fromS("b"));
    RollbackPlan plan =
        RollbackPlan.of(
            "orders",
            Instant.parse("2026-11-30T12:00:00Z"),
            Instant.parse("2026-11-30T12:05:00Z"),
            "table",
            Instant.parse("2026-11-30T13:00:00Z"),
            List.of(
                new PlanItem(a, Action.RESTORE, item("a", "v1"), item("a", "bad"), false),
                new PlanItem(b, Action.CONFLICT, null, item("b", "edit"), true)));
    Path file = dir.resolve("plan.jsonl");

    PlanFile.write(plan, file);

    RollbackPlan read = PlanFile.read(file);
    assertThat(read.table()).isEqualTo("orders");
    assertThat(read.to()).isEqualTo(plan.to());
    assertThat(read.incidentEnd()).isEqualTo(plan.incidentEnd());
    assertThat(read.scope()).isEqualTo("table");
    assertThat(read.createdAt()).isEqualTo(plan.createdAt());
    assertThat(read.counts()).isEqualTo(plan.counts());
    assertThat(read.items().collectList().block()).isEqualTo(plan.items().collectList().block());
    assertThat(Files.readAllLines(file).get(0))
        .contains("\"counts\":{\"RESTORE\":1,\"DELETE\":0,\"CONFLICT\":1,\"EXTRA\":0}")
        .contains("\"estimatedWcu\":1.0");
  }

  @Test
  void read_ofAFileWithoutHeader_saysHowToMakeAPlan() throws Exception {
    Path file = dir.resolve("plan.jsonl");
    Files.writeString(file, "{\"action\":\"RESTORE\"}\n");

    assertThatThrownBy(() -> PlanFile.read(file))
        .hasMessage(
            "Rollback plan "
                + file
                + " line 1 is not valid: no plan header; make the plan with 'pitr rollback ..."
                + " --plan FILE'");
  }

  @Test
  void expectedImage_comparesEveryAttribute_orRequiresAbsence() {
    RollbackApplier.ExpectedImage present =
        RollbackApplier.ExpectedImage.of(Map.of("pk", AttributeValue.fromS("a")), item("a", "x"));
    RollbackApplier.ExpectedImage absent =
        RollbackApplier.ExpectedImage.of(Map.of("pk", AttributeValue.fromS("a")), null);

    assertThat(present.expression()).isEqualTo("#a0 = :v0 AND #a1 = :v1");
    assertThat(present.names()).containsEntry("#a0", "pk").containsEntry("#a1", "v");
    assertThat(absent.expression()).isEqualTo("attribute_not_exists(#k)");
  }

  @Test
  void recoveryTables_roundTrip_andAPlanWithoutThem_readsWithNone() throws Exception {
    Map<String, AttributeValue> a = Map.of("pk", AttributeValue.fromS("a"));
    RollbackPlan plan =
        RollbackPlan.of(
                "orders",
                Instant.parse("2026-11-30T12:00:00Z"),
                null,
                "table",
                Instant.parse("2026-11-30T13:00:00Z"),
                List.of(new PlanItem(a, Action.RESTORE, item("a", "v1"), item("a", "bad"), false)))
            .withRecoveryTables(List.of("orders-recovery-0a1b2c"));
    Path with = dir.resolve("with.jsonl");
    Path without = dir.resolve("without.jsonl");

    PlanFile.write(plan, with);
    PlanFile.write(plan.withRecoveryTables(List.of()), without);

    assertThat(Files.readAllLines(with).get(0))
        .endsWith(",\"recoveryTables\":[\"orders-recovery-0a1b2c\"]}");
    assertThat(PlanFile.read(with).recoveryTables()).containsExactly("orders-recovery-0a1b2c");
    assertThat(Files.readAllLines(without).get(0)).doesNotContain("recoveryTables");
    assertThat(PlanFile.read(without).recoveryTables()).isEmpty();
  }

  @Test
  void fingerprint_isTheSameForTheSameFile_andChangesWithAnyLine() throws Exception {
    Map<String, AttributeValue> a = Map.of("pk", AttributeValue.fromS("a"));
    Path file = dir.resolve("plan.jsonl");
    PlanFile.write(
        RollbackPlan.of(
            "orders",
            Instant.parse("2026-11-30T12:00:00Z"),
            null,
            "table",
            Instant.parse("2026-11-30T13:00:00Z"),
            List.of(new PlanItem(a, Action.RESTORE, item("a", "v1"), item("a", "bad"), false))),
        file);
    String first = PlanFile.read(file).fingerprint();

    assertThat(PlanFile.read(file).fingerprint()).isEqualTo(first).hasSize(64);
    Files.writeString(file, Files.readString(file).replace("\"v1\"", "\"v2\""));
    assertThat(PlanFile.read(file).fingerprint()).isNotEqualTo(first);
  }

  @Test
  void read_ofABrokenItemLine_namesTheLine_andNothingIsApplied() throws Exception {
    Path file = dir.resolve("plan.jsonl");
    Map<String, AttributeValue> a = Map.of("pk", AttributeValue.fromS("a"));
    PlanFile.write(
        RollbackPlan.of(
            "orders",
            Instant.parse("2026-11-30T12:00:00Z"),
            null,
            "table",
            Instant.parse("2026-11-30T13:00:00Z"),
            List.of(new PlanItem(a, Action.RESTORE, item("a", "v1"), item("a", "bad"), false))),
        file);
    Files.writeString(file, Files.readString(file) + "{\"action\":\"RESTORE\"}\n");

    assertThatThrownBy(() -> PlanFile.read(file))
        .hasMessage(
            "Rollback plan " + file + " line 3 is not valid: an item needs \"action\" and \"key\"");
  }
}
