package pitr.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Recovery-table names: made to fit DynamoDB's 255 characters, and recognised again. */
class RecoveryNamesTest {
  private static final String LONG = "orders-" + "x".repeat(243);

  @Test
  void of_aShortSource_appendsTheRecoverySuffix() {
    assertThat(RecoveryNames.of("orders", "3f2a9c")).isEqualTo("orders-recovery-3f2a9c");
  }

  @Test
  void of_aSourceTooLongForTheSuffix_cutsTheSourceSoTheNameHas255Characters() {
    String name = RecoveryNames.of(LONG, "3f2a9c-t1");

    assertThat(name).hasSize(255).endsWith("-recovery-3f2a9c-t1");
    assertThat(LONG).startsWith(name.substring(0, 255 - "-recovery-3f2a9c-t1".length()));
  }

  @Test
  void mayBeOf_theNamesOfMakes_evenWithTheSourceCutShort() {
    for (String source : new String[] {"orders", "a-recovery-b", LONG}) {
      for (String id : new String[] {"3f2a9c", "3f2a9c-t1"}) {
        assertThat(RecoveryNames.mayBeOf(RecoveryNames.of(source, id), source))
            .as("%s of %s", id, source)
            .isTrue();
      }
    }
  }

  @Test
  void mayBeOf_otherTables_isFalse() {
    assertThat(RecoveryNames.mayBeOf("pitr-checkpoints", "orders")).isFalse();
    assertThat(RecoveryNames.mayBeOf("orders-archive", "orders")).isFalse();
    assertThat(RecoveryNames.mayBeOf("ordersx-recovery-3f2a9c", "orders")).isFalse();
    assertThat(RecoveryNames.mayBeOf("orders-recovery-3f2a9c", "orders-recovery")).isFalse();
    assertThat(RecoveryNames.mayBeOf(RecoveryNames.of("invoices-" + "y".repeat(243), "1"), LONG))
        .isFalse();
    // As long as a cut name, but its part before "-recovery-" is not the source's start.
    String unrelated = "orders-z" + "x".repeat(237) + "-recovery-";
    assertThat(unrelated).hasSize(255);
    assertThat(RecoveryNames.mayBeOf(unrelated, LONG)).isFalse();
  }
}
