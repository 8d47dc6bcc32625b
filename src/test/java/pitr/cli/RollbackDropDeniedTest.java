package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback whose credentials may not delete its recovery tables: the rollback stands, and the
 * message says which tables are left and names the policy of the command that was run.
 */
class RollbackDropDeniedTest {
  @TempDir Path dir;

  @Test
  void rollback_whenDeletingTheRecoveryTableIsDenied_saysSoNamingRollbacksPolicy()
      throws Exception {
    try (IamTestEngine engine = new IamTestEngine()) {
      Instant[] t = engine.incident();
      engine.serve(
          "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},"
              + "{\"Effect\":\"Deny\",\"Action\":\"dynamodb:DeleteTable\",\"Resource\":"
              + "\"arn:aws:dynamodb:us-east-1:000000000000:table/orders-recovery-*\"}]}");

      CliRun run =
          engine.run(
              "rollback",
              "orders",
              "--to",
              t[0].toString(),
              "--delete-extra",
              "--yes",
              "--state-dir",
              dir.resolve("state").toString());

      Matcher m =
          Pattern.compile(
                  "Could not drop recovery tables (orders-recovery-[0-9a-f]+) \\(Access denied by"
                      + " (http://127\\.0\\.0\\.1:\\d+):")
              .matcher(run.out());
      assertThat(m.find()).as(run.out()).isTrue();
      String recovery = m.group(1);
      assertThat(run.out())
          .contains(
              "\nCould not drop recovery tables "
                  + recovery
                  + " (Access denied by "
                  + m.group(2)
                  + ": the credentials may not call dynamodb:DeleteTable on"
                  + " arn:aws:dynamodb:us-east-1:000000000000:table/"
                  + recovery
                  + "; the denied call changed nothing. Grant it: 'pitr iam-policy rollback --table"
                  + " TABLE' prints the policy this command needs); drop each with 'pitr drop TABLE"
                  + " --yes' ('pitr status' on the live table lists them)\n")
          .doesNotContain("COMMAND");
      assertThat(run.exitCode()).isZero();
      assertThat(engine.tables()).contains(recovery);
    }
  }
}
