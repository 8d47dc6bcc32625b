package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pitr drop} when the credentials may not describe the checkpoint table: it cannot prove no
 * run reads the recovery table, so it refuses and drops nothing.
 */
class DropAccessDeniedTest {
  @TempDir Path dir;

  @Test
  void drop_whenCheckpointTableDescribeIsDenied_refusesNamingThePermission_andDropsNothing()
      throws Exception {
    try (IamTestEngine engine = new IamTestEngine()) {
      java.time.Instant[] t = engine.incident();
      String state = dir.resolve("state").toString();
      CliRun restore =
          engine.run(
              "restore", "orders", "--to", t[0].toString(), "--as", "orders-recovery-aaa111");
      assertThat(restore.err()).doesNotContain("error:");
      engine.serve(
          "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},"
              + "{\"Effect\":\"Deny\",\"Action\":\"dynamodb:DescribeTable\",\"Resource\":"
              + "\"arn:aws:dynamodb:us-east-1:000000000000:table/pitr-checkpoints\"}]}");

      CliRun run =
          engine.run(
              "drop",
              "orders-recovery-aaa111",
              "--yes",
              "--checkpoint-table",
              "pitr-checkpoints",
              "--state-dir",
              state);

      String endpoint =
          run.err().replaceFirst("(?s).*Access denied by (http://[^:]+:\\d+):.*", "$1");
      assertThat(run.err())
          .isEqualTo(
              "error: Refusing to drop orders-recovery-aaa111: the runs in checkpoint table"
                  + " pitr-checkpoints cannot be read, so a copy-back still reading it cannot be"
                  + " ruled out; nothing was dropped. Access denied by "
                  + endpoint
                  + ": the credentials may not call dynamodb:DescribeTable on"
                  + " arn:aws:dynamodb:us-east-1:000000000000:table/pitr-checkpoints; the denied"
                  + " call changed nothing. Grant it: 'pitr iam-policy drop --table TABLE"
                  + " --checkpoint-table pitr-checkpoints' prints the policy this command needs\n");
      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.out()).isEmpty();
      assertThat(engine.tables()).contains("orders-recovery-aaa111");
    }
  }
}
