package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RollbackPlannerTest {
  @Test
  void partitions_growWithTheLargerTable_oneMoreThanFullPartitions_cappedAt4096() {
    assertThat(RollbackPlanner.partitions(0, 50_000)).isEqualTo(1);
    assertThat(RollbackPlanner.partitions(49_999, 50_000)).isEqualTo(1);
    assertThat(RollbackPlanner.partitions(65, 10)).isEqualTo(7);
    assertThat(RollbackPlanner.partitions(10_000_000_000L, 50_000)).isEqualTo(4096);
  }
}
