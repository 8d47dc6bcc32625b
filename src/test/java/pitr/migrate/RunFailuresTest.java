package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.api.RunMode;
import reactor.core.Exceptions;

class RunFailuresTest {

  @Test
  void failure_ofSeveralWritesAtOnce_namesTheFirstCauseNotTheComposite() {
    Throwable composite =
        Exceptions.multiple(new IOException("connection reset"), new IOException("closed"));

    PitrException e = RunFailures.failure("0001_backfill", "r-1", RunMode.PROD, composite);

    assertThat(e.code()).isEqualTo(ErrorCode.FAILED);
    assertThat(e.getMessage())
        .startsWith("Migration 0001_backfill failed in run r-1: IOException: connection reset;")
        .doesNotContain("CompositeException");
  }

  @Test
  void failure_withAnOperatorsMessageAmongSeveral_isThatMessage() {
    PitrException refused = new PitrException(ErrorCode.REFUSED, "lease lost to host b");
    Throwable composite = Exceptions.multiple(new IOException("closed"), refused);

    assertThat(RunFailures.failure("0001_backfill", "r-1", RunMode.PROD, composite))
        .isSameAs(refused);
    assertThat(RunFailures.describe(composite)).isEqualTo("lease lost to host b");
  }

  @Test
  void failure_ofAProdRun_namesTheResumeOfAProdRun_andTheCallersWholeCommandsWhenGiven() {
    PitrException e =
        RunFailures.failure("0001_backfill", "r-1", RunMode.PROD, new IOException("reset"));

    assertThat(e).isInstanceOf(RunFailedException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            "Migration 0001_backfill failed in run r-1: IOException: reset; its writes so far are"
                + " journaled. Fix the cause, then continue it with: pitr migrate resume"
                + " 0001_backfill --prod (or see what undoing it would restore with: pitr migrate"
                + " rollback 0001_backfill --dry-run)");
    RunFailedException told =
        ((RunFailedException) e).withCommands("pitr A resume", "pitr A rollback");
    assertThat(told.getMessage())
        .endsWith(
            "continue it with: pitr A resume (or see what undoing it would restore with: pitr A rollback)");
    assertThat(told.code()).isEqualTo(ErrorCode.FAILED);
    assertThat(told.getCause()).isSameAs(e.getCause());
    assertThat(RunFailures.failure("0001_backfill", "r-1", RunMode.DEV, new IOException("reset")))
        .hasMessageContaining("continue it with: pitr migrate resume 0001_backfill (or");
  }
}
