package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.rollback.IncidentTimeline.item;
import static pitr.rollback.IncidentTimeline.key;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;

/**
 * The planner against recovery tables restored by the embedded engine, through the real SDK client:
 * which item gets which action, with the clock of an {@link IncidentTimeline}.
 */
class RollbackPlannerTest {
  @TempDir Path dir;

  private final IncidentTimeline f = new IncidentTimeline();

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void partitions_growWithTheLargerTable_oneMoreThanFullPartitions_cappedAt4096() {
    assertThat(RollbackPlanner.partitions(0, 50_000)).isEqualTo(1);
    assertThat(RollbackPlanner.partitions(49_999, 50_000)).isEqualTo(1);
    assertThat(RollbackPlanner.partitions(65, 10)).isEqualTo(7);
    assertThat(RollbackPlanner.partitions(10_000_000_000L, 50_000)).isEqualTo(4096);
  }

  private RollbackPlan threeWay(boolean overwrite, int partitionItems) {
    f.restore("orders-t0", f.t0);
    f.restore("orders-t1", f.t1);
    return new RollbackPlanner(f.tables, f.clock, partitionItems)
        .planTable(
            "orders",
            f.t0,
            "orders-t0",
            f.t1,
            "orders-t1",
            overwrite,
            false,
            List.of("orders-t0", "orders-t1"),
            dir.resolve("plan"))
        .block(Duration.ofSeconds(60));
  }

  private RollbackPlan twoWay(boolean deleteExtra) {
    f.restore("orders-t0", f.t0);
    return new RollbackPlanner(f.tables, f.clock, 50_000)
        .planTable(
            "orders",
            f.t0,
            "orders-t0",
            null,
            null,
            false,
            deleteExtra,
            List.of("orders-t0"),
            dir.resolve("plan"))
        .block(Duration.ofSeconds(60));
  }

  /** pk to "ACTION" or "ACTION (conflict)" of every item of {@code plan}. */
  private static Map<String, String> actions(RollbackPlan plan) {
    Map<String, String> out = new TreeMap<>();
    plan.items()
        .toIterable()
        .forEach(
            i -> out.put(i.key().get("pk").s(), i.action() + (i.conflict() ? " (conflict)" : "")));
    return out;
  }

  private static PlanItem itemOf(RollbackPlan plan, String pk) {
    return plan.items().filter(i -> i.key().equals(key(pk))).blockFirst();
  }

  @Test
  void planTable_withTheIncidentEnd_restoresWhatNobodyTouchedSince_andKeepsTheRestAsConflicts() {
    RollbackPlan plan = threeWay(false, 50_000);

    assertThat(actions(plan))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "k1", "RESTORE",
                    "k2", "CONFLICT (conflict)",
                    "k3", "RESTORE",
                    "k4", "CONFLICT (conflict)",
                    "n1", "DELETE",
                    "n3", "CONFLICT (conflict)")));
    assertThat(plan.counts())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(Action.RESTORE, 2L, Action.DELETE, 1L, Action.CONFLICT, 3L, Action.EXTRA, 0L));
    assertThat(plan.conflicts()).isEqualTo(3);
    assertThat(plan.to()).isEqualTo(f.t0);
    assertThat(plan.incidentEnd()).isEqualTo(f.t1);
    assertThat(plan.scope()).isEqualTo("table");
    assertThat(plan.createdAt()).isEqualTo(f.clock.instant());
    assertThat(plan.recoveryTables()).containsExactly("orders-t0", "orders-t1");
    assertThat(Files.exists(dir.resolve("plan").resolve("spill"))).isFalse();
  }

  @Test
  void planTable_withTheIncidentEnd_keepsTheImagesToWriteAndTheLiveImagesToExpect() {
    RollbackPlan plan = threeWay(false, 50_000);

    PlanItem deletedByTheIncident = itemOf(plan, "k3");
    assertThat(deletedByTheIncident.image()).isEqualTo(item("k3", "good"));
    assertThat(deletedByTheIncident.expected()).isNull();
    PlanItem createdByTheIncident = itemOf(plan, "n1");
    assertThat(createdByTheIncident.image()).isNull();
    assertThat(createdByTheIncident.expected()).isEqualTo(item("n1", "bad"));
    PlanItem deletedSince = itemOf(plan, "k4");
    assertThat(deletedSince.image()).isEqualTo(item("k4", "good"));
    assertThat(deletedSince.expected()).isNull();
    assertThat(itemOf(plan, "k2").expected()).isEqualTo(item("k2", "customer"));
  }

  @Test
  void planTable_withOverwrite_restoresTheConflictsToo_stillFlaggingThem() {
    RollbackPlan plan = threeWay(true, 50_000);

    assertThat(actions(plan))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "k1", "RESTORE",
                    "k2", "RESTORE (conflict)",
                    "k3", "RESTORE",
                    "k4", "RESTORE (conflict)",
                    "n1", "DELETE",
                    "n3", "DELETE (conflict)")));
    assertThat(plan.counts().get(Action.CONFLICT)).isZero();
    assertThat(plan.conflicts()).isEqualTo(3);
  }

  @Test
  void planTable_inPartitionsOfOneItem_plansTheSameAsInOnePartition() {
    Map<String, String> inOne = actions(threeWay(false, 50_000));
    f.local.client.deleteTable(r -> r.tableName("orders-t0")).join();
    f.local.client.deleteTable(r -> r.tableName("orders-t1")).join();

    Map<String, String> inMany = actions(threeWay(false, 1));

    assertThat(inMany).isEqualTo(inOne).hasSize(6);
  }

  @Test
  void planTable_withoutTheIncidentEnd_restoresEveryDifferenceFromT0_andListsNewItemsAsExtra() {
    RollbackPlan plan = twoWay(false);

    assertThat(actions(plan))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "a1", "EXTRA",
                    "k1", "RESTORE",
                    "k2", "RESTORE",
                    "k3", "RESTORE",
                    "k4", "RESTORE",
                    "n1", "EXTRA",
                    "n3", "EXTRA")));
    assertThat(plan.incidentEnd()).isNull();
    assertThat(plan.conflicts()).isZero();
  }

  @Test
  void planTable_withoutTheIncidentEndWithDeleteExtra_deletesTheItemsCreatedAfterT0() {
    RollbackPlan plan = twoWay(true);

    assertThat(actions(plan))
        .containsEntry("a1", "DELETE")
        .containsEntry("n1", "DELETE")
        .containsEntry("n3", "DELETE")
        .doesNotContainValue("EXTRA");
    assertThat(plan.counts().get(Action.DELETE)).isEqualTo(3);
  }

  @Test
  void planJournal_restoresWhatStillHoldsTheJournaledImage_andKeepsWhatChangedSince() {
    f.restore("orders-t0", f.t0);
    Flux<RollbackPlanner.Journaled> journal =
        Flux.just(
            journaled("k0", ItemHash.of(item("k0", "good"))),
            journaled("k1", ItemHash.of(item("k1", "bad"))),
            journaled("k2", ItemHash.of(item("k2", "bad"))),
            journaled("k3", ItemHash.DELETED),
            journaled("k5", ItemHash.of(item("k5", "bad"))),
            journaled("n1", ItemHash.of(item("n1", "bad"))),
            journaled("n3", ItemHash.of(item("n3", "bad"))));

    RollbackPlan plan =
        new RollbackPlanner(f.tables, f.clock, 50_000)
            .planJournal(
                "orders",
                f.t0,
                "orders-t0",
                "migration 0001_x run r1",
                journal,
                false,
                List.of("orders-t0"),
                dir.resolve("plan"))
            .block(Duration.ofSeconds(60));

    // k0 and k5 hold their T0 image again: nothing to do, whatever the journal says.
    assertThat(actions(plan))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "k1", "RESTORE",
                    "k2", "CONFLICT (conflict)",
                    "k3", "RESTORE",
                    "n1", "DELETE",
                    "n3", "CONFLICT (conflict)")));
    assertThat(plan.scope()).isEqualTo("migration 0001_x run r1");
    assertThat(plan.incidentEnd()).isNull();
    assertThat(plan.recoveryTables()).containsExactly("orders-t0");
  }

  private static RollbackPlanner.Journaled journaled(String pk, String hash) {
    return new RollbackPlanner.Journaled(key(pk), hash);
  }
}
