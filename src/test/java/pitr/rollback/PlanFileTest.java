package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.SealedLines;
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
                + " line 1 is not valid: it is not a plan header; make the plan again with 'pitr"
                + " rollback ... --plan FILE'. Nothing was changed.");
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

  private Path saved(String name, PlanItem... items) {
    Path file = dir.resolve(name);
    PlanFile.write(
        RollbackPlan.of(
            "orders",
            Instant.parse("2026-11-30T12:00:00Z"),
            Instant.parse("2026-11-30T12:05:00Z"),
            "table",
            Instant.parse("2026-11-30T13:00:00Z"),
            List.of(items)),
        file);
    return file;
  }

  private static PlanItem restore(String pk) {
    return new PlanItem(
        Map.of("pk", AttributeValue.fromS(pk)),
        Action.RESTORE,
        item(pk, "v1"),
        item(pk, "bad"),
        false);
  }

  private static PitrException refusal(Path file) {
    Throwable e = catchThrowable(() -> PlanFile.read(file));
    assertThat(e).isInstanceOf(PitrException.class);
    assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE);
    return (PitrException) e;
  }

  @Test
  void write_sealsThePlan_headerFirstThenItemsThenTheSeal() throws Exception {
    Path file = saved("plan.jsonl", restore("a"), restore("b"));

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("{\"pitrRollbackPlan\":2,\"table\":\"orders\"");
    assertThat(lines.get(3)).startsWith("{\"pitrSeal\":1,\"lines\":3,\"sha256\":\"");
    assertThat(SealedLines.verify(file, "Rollback plan", "fix").sha256())
        .isEqualTo(PlanFile.read(file).fingerprint());
  }

  @Test
  void fingerprint_isTheSameForTheSameFile_andDiffersForAnotherPlan() throws Exception {
    Path file = saved("plan.jsonl", restore("a"));
    Path other = saved("other.jsonl", restore("b"));
    String first = PlanFile.read(file).fingerprint();

    assertThat(PlanFile.read(file).fingerprint()).isEqualTo(first).hasSize(64);
    assertThat(PlanFile.read(other).fingerprint()).isNotEqualTo(first);
  }

  @Test
  void read_ofAPlanCutAtALineBoundary_refusesNamingTheFileAndTheFix() throws Exception {
    Path file = saved("plan.jsonl", restore("a"), restore("b"), restore("c"));
    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, 3));

    assertThat(refusal(file))
        .hasMessage(
            "Rollback plan "
                + file
                + " cannot be trusted: it does not end with the seal line pitr writes last, so it"
                + " was cut short, edited, or not written by pitr; make the plan again with 'pitr"
                + " rollback ... --plan FILE'. Nothing was changed.");
  }

  @Test
  void read_ofAPlanWithAnItemRemovedAndTheSealKept_refusesWithTheCounts() throws Exception {
    Path file = saved("plan.jsonl", restore("a"), restore("b"));
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.remove(2);
    Files.write(file, lines);

    assertThat(refusal(file))
        .hasMessageContaining("it holds 2 lines where its seal says 3")
        .hasMessageEndingWith(
            "make the plan again with 'pitr rollback ... --plan FILE'. Nothing was changed.");
  }

  @Test
  void read_ofAHandEditedPlan_refusesItAsEdited() throws Exception {
    Path file = saved("plan.jsonl", restore("a"));
    Files.writeString(file, Files.readString(file).replace("\"RESTORE\",", "\"NUKE\","));

    assertThat(refusal(file))
        .hasMessageContaining(
            "its content does not match the SHA-256 in its seal, so it was edited after pitr"
                + " wrote it; make the plan again");
  }

  @Test
  void read_ofASealedPlanWithAnUnknownAction_namesTheFileLineValueAndTheActions() throws Exception {
    Path file = saved("plan.jsonl", restore("a"), restore("b"));
    List<String> lines = Files.readAllLines(file);
    SealedLines.write(
        file,
        List.of(lines.get(0), lines.get(1), lines.get(2).replace("\"RESTORE\",", "\"NUKE\",")));

    assertThat(refusal(file))
        .hasMessage(
            "Rollback plan "
                + file
                + " line 3 is not valid: action \"NUKE\" is not one of RESTORE, DELETE,"
                + " CONFLICT, EXTRA; make the plan again with 'pitr rollback ... --plan FILE'."
                + " Nothing was changed.");
  }

  @Test
  void read_ofASealedPlanWithAnItemWithoutKey_namesTheLine() throws Exception {
    Path file = saved("plan.jsonl", restore("a"));
    List<String> lines = Files.readAllLines(file);
    SealedLines.write(file, List.of(lines.get(0), lines.get(1), "{\"action\":\"RESTORE\"}"));

    assertThat(refusal(file))
        .hasMessageStartingWith(
            "Rollback plan " + file + " line 3 is not valid: an item needs \"action\" and \"key\"");
  }

  @Test
  void read_ofAPlanOfFormat1WithoutSeal_saysToMakeThePlanAgain() throws Exception {
    Path file = saved("plan.jsonl", restore("a"));
    List<String> lines = Files.readAllLines(file);
    Files.write(
        file,
        List.of(
            lines.get(0).replace("\"pitrRollbackPlan\":2", "\"pitrRollbackPlan\":1"),
            lines.get(1)));

    assertThat(refusal(file))
        .hasMessage(
            "Rollback plan "
                + file
                + " was made by an earlier pitr, in format 1, which has no seal: a copy cut short"
                + " could not be told from the whole plan; make the plan again with 'pitr rollback"
                + " ... --plan FILE'. Nothing was changed.");
  }

  @Test
  void read_ofAFolderOrAMissingFile_namesItAndTheFix() {
    assertThat(refusal(dir))
        .hasMessage(
            "Rollback plan "
                + dir
                + " is a folder; name the plan file that 'pitr rollback ... --plan FILE' saved");
    assertThat(refusal(dir.resolve("nope.jsonl")))
        .hasMessage(
            "Rollback plan "
                + dir.resolve("nope.jsonl")
                + " does not exist; check the path, or make one with --plan FILE");
  }

  @Test
  void checkFile_ofAPlanReplacedAfterItWasRead_refusesBeforeAnyWrite() throws Exception {
    Path file = saved("plan.jsonl", restore("a"));
    RollbackPlan read = PlanFile.read(file);
    read.checkFile();
    saved("plan.jsonl", restore("b"));

    assertThatThrownBy(read::checkFile)
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith(
            "Rollback plan "
                + file
                + " was replaced after it was read, so it is not the plan shown");
  }
}
