package pitr.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import pitr.PitrException;

class StagedFilesTest {
  private static final String HEX = "ab".repeat(32);

  @Test
  void location_parsesBucketAndKey() {
    StagedFiles.Location l =
        StagedFiles.Location.parse("--apply", "s3://my-bucket/a/b/plan.jsonl", true);

    assertThat(l.bucket()).isEqualTo("my-bucket");
    assertThat(l.key()).isEqualTo("a/b/plan.jsonl");
    assertThat(l.uri()).isEqualTo("s3://my-bucket/a/b/plan.jsonl");
    assertThat(l.pinnedSha256()).isNull();
  }

  @Test
  void location_ofAStagedFile_pinsTheSha256InItsKey() {
    assertThat(
            StagedFiles.Location.parse(
                    "--apply", "s3://b-1/p/run1/sha256-" + HEX + "/plan.jsonl", true)
                .pinnedSha256())
        .isEqualTo(HEX);
  }

  @Test
  void location_forStage_takesABucketAlone() {
    assertThat(StagedFiles.Location.parse("--stage", "s3://b-1", false).key()).isEmpty();
  }

  @Test
  void location_withoutAnObject_isRefusedNamingTheOption() {
    assertThatThrownBy(() -> StagedFiles.Location.parse("--keys", "s3://b-1/dir/", true))
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "--keys s3://b-1/dir/ is not an S3 object; pass s3://BUCKET/KEY, e.g."
                + " s3://my-bucket/pitr/plan.jsonl");
  }

  @Test
  void location_withABadBucket_isRefused() {
    assertThatThrownBy(() -> StagedFiles.Location.parse("--stage", "s3://My_Bucket/p", false))
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "--stage s3://My_Bucket/p is not an S3 bucket and prefix; pass s3://BUCKET/PREFIX,"
                + " e.g. s3://my-bucket/pitr-staged");
  }

  @Test
  void is_tellsAnS3AddressFromALocalPath() {
    assertThat(StagedFiles.Location.is("s3://b/k")).isTrue();
    assertThat(StagedFiles.Location.is("S3://b/k")).isTrue();
    assertThat(StagedFiles.Location.is("plan.jsonl")).isFalse();
    assertThat(StagedFiles.Location.is("./s3:/b/k")).isFalse();
  }

  @Test
  void safe_keepsNamesS3AndFileSystemsTake() {
    assertThat(StagedFiles.safe("plan 1.jsonl")).isEqualTo("plan-1.jsonl");
    assertThat(StagedFiles.safe("..")).isEqualTo("file");
  }
}
