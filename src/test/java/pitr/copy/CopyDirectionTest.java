package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;

class CopyDirectionTest {
  @TempDir Path state;
  private CopyFixture f;

  @BeforeEach
  void start() {
    f = new CopyFixture(state).recoveryAndLive(100);
    f.local.fill("orders", 100, 150, "new", 10);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private CopyRequest copy(
      String from, String to, boolean deleteExtra, boolean dryRun, CopyRequest.Overrides o) {
    return CopyRequest.builder("d1", f.failures("d1"))
        .tables(from, to)
        .throughput(new CopyRequest.Throughput(2, 4, 0, 0))
        .retry(new CopyRequest.Retry(10, Duration.ofMillis(1), Duration.ofMillis(20)))
        .deleteExtra(deleteExtra)
        .dryRun(dryRun)
        .overrides(o)
        .build();
  }

  @Test
  void copyBack_swappedIntoTheRecoveryTable_isRefusedAsSwappedAndWritesNothing() {
    var before = f.local.contents("orders-rec");

    assertThatThrownBy(
            () ->
                f.copyBack()
                    .run(copy("orders", "orders-rec", false, false, CopyRequest.Overrides.NONE))
                    .block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "--to orders-rec is a recovery table of orders (tagged pitr:recovery-of=orders,"
                + " pitr:restore-point=2026-11-30T02:00:00Z): writing into it would leave those"
                + " tags describing items it no longer holds. --from orders --to orders-rec look"
                + " swapped: to copy the recovery table back into its source, pass --from"
                + " orders-rec --to orders; to write into the recovery table anyway, pass"
                + " --into-recovery-table. Nothing was written.");
    assertThat(f.local.contents("orders-rec")).isEqualTo(before);
    assertThat(state.resolve("runs")).doesNotExist();
  }

  @Test
  void copyBack_intoTheRecoveryTableWithTheOverride_writesIt() {
    CopyResult r =
        f.copyBack()
            .run(copy("orders", "orders-rec", false, false, new CopyRequest.Overrides(true, false)))
            .block();

    assertThat(r.itemsWritten()).isEqualTo(150);
    assertThat(f.local.contents("orders-rec")).isEqualTo(f.local.contents("orders"));
  }

  @Test
  void plan_fromARecoveryTableIntoItsSource_isNamedSo() {
    CopyPlan plan =
        f.copyBack()
            .plan(copy("orders-rec", "orders", false, true, CopyRequest.Overrides.NONE))
            .block();

    assertThat(plan.direction()).isEqualTo("recovery table orders-rec → its source orders");
    assertThat(plan.intoItsSource()).isTrue();
  }

  @Test
  void deleteExtra_betweenUnrelatedTables_isRefusedNamingForce_andWithForceDeletes() {
    f.local.createTable("copy");
    f.local.fill("copy", 0, 100, "good", 100);
    CopyRequest unforced = copy("copy", "orders", true, false, CopyRequest.Overrides.NONE);

    assertThatThrownBy(() -> f.copyBack().run(unforced).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "--delete-extra would delete the items of orders that copy does not have, but copy is"
                + " not a recovery table of orders (it has no pitr:recovery-of tag), so nothing"
                + " shows those items are extra rather than new; check --from and --to, or pass"
                + " --force to delete them anyway. Nothing was written.");
    assertThat(f.local.contents("orders")).hasSize(150);

    CopyResult forced =
        f.copyBack()
            .run(copy("copy", "orders", true, false, new CopyRequest.Overrides(false, true)))
            .block();
    assertThat(forced.itemsDeleted()).isEqualTo(50);
    assertThat(f.local.contents("orders")).isEqualTo(f.local.contents("copy"));
  }

  @Test
  void deleteExtra_countsBeforeTheCopy_andDeletesOnlyWhatItCounted() {
    CopyPlan plan =
        f.copyBack()
            .plan(copy("orders-rec", "orders", true, false, CopyRequest.Overrides.NONE))
            .block();
    assertThat(plan.extraItems()).isEqualTo(50);
    assertThat(plan.extraItemsUpperBound()).isFalse();
    // Written after the count, so not among the items the operator agreed to delete.
    f.local.fill("orders", 500, 510, "newer", 10);

    CopyResult r = f.copyBack().run(plan).block();

    assertThat(r.itemsDeleted()).isEqualTo(50);
    var live = f.local.contents("orders");
    assertThat(live).hasSize(110);
    assertThat(live.get("k505").get("v").s()).isEqualTo("newer");
    assertThat(live.get("k120")).isNull();
  }

  @Test
  void deleteExtra_inADryRun_countsThemAndWritesNothing() {
    var before = f.local.contents("orders");

    CopyResult r =
        f.copyBack()
            .run(copy("orders-rec", "orders", true, true, CopyRequest.Overrides.NONE))
            .block();

    assertThat(r.itemsDeleted()).isEqualTo(50);
    assertThat(r.itemsWritten()).isEqualTo(100);
    assertThat(f.local.contents("orders")).isEqualTo(before);
  }
}
