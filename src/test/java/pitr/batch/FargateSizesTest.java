package pitr.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pitr.ErrorCode;
import pitr.PitrException;

class FargateSizesTest {
  @ParameterizedTest
  @CsvSource({
    "0.25, 512",
    "0.25, 2048",
    "0.5, 1024",
    "0.5, 4096",
    "1, 2048",
    "1, 8192",
    "2, 4096",
    "2, 16384",
    "4, 8192",
    "4, 30720",
    "8, 16384",
    "8, 20480",
    "8, 61440",
    "16, 32768",
    "16, 40960",
    "16, 122880"
  })
  void valid_forTheCombinationsFargateRuns(double vcpus, int memory) {
    assertThat(FargateSizes.valid(vcpus, memory)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "0.25, 1536",
    "0.25, 4096",
    "0.5, 512",
    "0.5, 1536",
    "1, 1024",
    "1, 9216",
    "2, 3072",
    "4, 31744",
    "8, 17408",
    "16, 36864",
    "3, 8192",
    "32, 65536"
  })
  void valid_isFalseForOtherCombinations(double vcpus, int memory) {
    assertThat(FargateSizes.valid(vcpus, memory)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"1, 1024", "3, 8192"})
  void request_onFargateWithAnInvalidSize_isRefusedAsUsage(double vcpus, int memory) {
    JobDefinitionSpec spec =
        new JobDefinitionSpec(
            "pitr",
            "pitr:1",
            "arn:aws:iam::123456789012:role/j",
            "arn:aws:iam::123456789012:role/e",
            vcpus,
            memory,
            JobDefinitionSpec.Platform.FARGATE,
            3,
            Duration.ofHours(1),
            false);

    assertThatThrownBy(() -> JobDefinitions.request(spec))
        .isInstanceOf(PitrException.class)
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
  }

  @ParameterizedTest
  @CsvSource({"1, 1024", "3, 8192"})
  void request_onEc2_takesAnySize(double vcpus, int memory) {
    JobDefinitionSpec spec =
        new JobDefinitionSpec(
            "pitr",
            "pitr:1",
            "arn:aws:iam::123456789012:role/j",
            null,
            vcpus,
            memory,
            JobDefinitionSpec.Platform.EC2,
            3,
            Duration.ofHours(1),
            false);

    assertThat(JobDefinitions.request(spec).containerProperties().networkConfiguration()).isNull();
  }
}
