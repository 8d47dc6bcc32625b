package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.Exceptions;

class RunFailuresTest {

  @Test
  void failure_ofSeveralWritesAtOnce_namesTheFirstCauseNotTheComposite() {
    Throwable composite =
        Exceptions.multiple(new IOException("connection reset"), new IOException("closed"));

    PitrException e = RunFailures.failure("0001_backfill", "r-1", composite);

    assertThat(e.code()).isEqualTo(ErrorCode.FAILED);
    assertThat(e.getMessage())
        .startsWith("Migration 0001_backfill failed in run r-1: IOException: connection reset;")
        .doesNotContain("CompositeException");
  }

  @Test
  void failure_withAnOperatorsMessageAmongSeveral_isThatMessage() {
    PitrException refused = new PitrException(ErrorCode.REFUSED, "lease lost to host b");
    Throwable composite = Exceptions.multiple(new IOException("closed"), refused);

    assertThat(RunFailures.failure("0001_backfill", "r-1", composite)).isSameAs(refused);
    assertThat(RunFailures.describe(composite)).isEqualTo("lease lost to host b");
  }
}
