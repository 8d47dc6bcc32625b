package pitr.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.RunOwner;
import pitr.copy.Worker;

class ArrayJobTest {
  @Test
  void worker_auto_takesTheArrayIndexPlusOne() {
    assertThat(ArrayJob.worker("auto/3", Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "0")))
        .isEqualTo(new Worker(1, 3));
    assertThat(ArrayJob.worker("auto/3", Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "2")))
        .isEqualTo(new Worker(3, 3));
  }

  @Test
  void worker_explicit_ignoresTheEnvironment() {
    assertThat(ArrayJob.worker("2/3", Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "0")))
        .isEqualTo(new Worker(2, 3));
  }

  @Test
  void worker_autoOutsideAnArrayJob_isRefusedAsUsage() {
    assertThatThrownBy(() -> ArrayJob.worker("auto/3", Map.of()))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--worker auto/3 takes the worker from AWS_BATCH_JOB_ARRAY_INDEX, which is not set:"
                + " auto works only inside an AWS Batch array job; outside one pass --worker I/N,"
                + " e.g. --worker 1/3");
  }

  @Test
  void worker_autoWithIndexOutOfRange_isRefusedNamingTheSize() {
    assertThatThrownBy(() -> ArrayJob.worker("auto/3", Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "3")))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--worker auto/3: AWS_BATCH_JOB_ARRAY_INDEX is 3, outside 0-2; the array job's size"
                + " must equal N, so submit it with size 3 or pass --worker auto/N with N its"
                + " size");
  }

  @Test
  void worker_autoWithIndexNotANumber_isRefused() {
    assertThatThrownBy(() -> ArrayJob.worker("auto/3", Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "x")))
        .hasMessageStartingWith("--worker auto/3: AWS_BATCH_JOB_ARRAY_INDEX is x, outside 0-2");
  }

  @Test
  void worker_autoWithoutACount_isRefused() {
    assertThatThrownBy(() -> ArrayJob.worker("auto/x", Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "0")))
        .hasMessage(
            "--worker auto/x is invalid; pass auto/N with N the array size, e.g. --worker auto/3");
  }

  @Test
  void host_insideBatch_namesTheJob() {
    assertThat(ArrayJob.host("ip-10-0-1-7", Map.of("AWS_BATCH_JOB_ID", "5d1e:2")))
        .isEqualTo("ip-10-0-1-7 (AWS Batch job 5d1e:2)");
    assertThat(ArrayJob.host("laptop", Map.of())).isEqualTo("laptop");
  }

  @Test
  void runOwner_insideBatch_carriesTheJobId() {
    assertThat(RunOwner.of(Map.of("AWS_BATCH_JOB_ID", "5d1e:2")).batchJobId()).isEqualTo("5d1e:2");
    assertThat(RunOwner.of(Map.of()).batchJobId()).isNull();
  }
}
