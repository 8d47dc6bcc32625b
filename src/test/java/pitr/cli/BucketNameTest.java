package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --bucket} refuses, when the command line is parsed (exit 2, nothing done), a name DynamoDB
 * would refuse for an export, and an {@code s3://} address, naming the fix.
 */
class BucketNameTest {
  private int code;

  private CliRun run(String... args) {
    CliRun run = new CliRun();
    code = run.execute(args);
    return run;
  }

  @Test
  void export_toAOneLetterBucket_exits2_sayingWhatABucketNameIs() {
    CliRun run = run("export", "orders", "--to", "-1m", "--bucket", "b");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --bucket b is not a bucket name DynamoDB exports to: use 2-255 letters,"
                + " digits, '.', '-' and '_', starting and ending with a letter or digit (S3 names"
                + " new buckets with 3-63 lowercase letters, digits, '.' and '-'), e.g."
                + " my-exports\n");
  }

  @Test
  void rollback_withAnS3Address_exits2_namingTheBucketAndThePrefix() {
    CliRun run =
        run(
            "rollback",
            "orders",
            "--to",
            "-10m",
            "--incident-end",
            "-5m",
            "--bucket",
            "s3://my-exports/pitr/");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --bucket s3://my-exports/pitr/ is an S3 address; pass the bucket's name alone"
                + " (my-exports), and the key prefix with --prefix pitr/\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"my-exports", "exports.example.com", "Legacy_Bucket1", "ab"})
  void bucketNames_thatDynamoDbTakes_areTaken(String name) {
    assertThat(new BucketNameConverter().convert(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"b", "-exports", "exports-", "my exports", "my/exports"})
  void bucketNames_thatDynamoDbRefuses_areRefused(String name) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new BucketNameConverter().convert(name))
        .isInstanceOf(InvalidOptionValue.class)
        .hasMessageStartingWith(name + " is not a bucket name DynamoDB exports to");
  }
}
