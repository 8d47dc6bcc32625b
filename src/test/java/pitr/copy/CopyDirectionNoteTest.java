package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import pitr.restore.RecoveryTags;

/** {@link CopyDirection#overwriteNote()}: said for a copy into its source, and only for it. */
class CopyDirectionNoteTest {
  private static final Map<String, String> RECOVERY_OF_ORDERS =
      Map.of(
          RecoveryTags.RECOVERY_OF, "orders", RecoveryTags.RESTORE_POINT, "2026-11-30T02:00:00Z");

  @Test
  void intoItsSource_namesTheRestorePointAndTheRollbackThatKeepsLaterWrites() {
    CopyDirection d = new CopyDirection("orders-rec", "orders", RECOVERY_OF_ORDERS, Map.of());

    assertThat(d.overwriteNote())
        .isEqualTo(
            "each item copied replaces what orders holds for its key now with the item as it was"
                + " at 2026-11-30T02:00:00Z, writes made since included; to keep writes made after"
                + " the incident, roll back instead: pitr rollback orders --to"
                + " 2026-11-30T02:00:00Z --incident-end T1 --dry-run");
  }

  @Test
  void intoItsSource_withoutARestorePointTag_saysT0() {
    CopyDirection d =
        new CopyDirection(
            "orders-rec", "orders", Map.of(RecoveryTags.RECOVERY_OF, "orders"), Map.of());

    assertThat(d.overwriteNote())
        .contains("as it was at its restore point,")
        .endsWith("pitr rollback orders --to T0 --incident-end T1 --dry-run");
  }

  @Test
  void betweenOtherTables_orForAReplay_saysNothing() {
    assertThat(new CopyDirection("staging", "orders", Map.of(), Map.of()).overwriteNote()).isNull();
    assertThat(
            new CopyDirection("orders-rec", "carts", RECOVERY_OF_ORDERS, Map.of()).overwriteNote())
        .isNull();
    assertThat(new CopyDirection(null, "orders", Map.of(), Map.of()).overwriteNote()).isNull();
  }
}
