package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The hint of an access-denied message names the {@code pitr iam-policy} command line that prints
 * the failed command's policy: its name, the options that change the policy or name its resources,
 * and {@code --table TABLE} only for a command that works on the operator's tables.
 */
class IamHintTest {
  @TempDir Path dir;

  /** An access-denied message as the gateway words it, with its generic hint. */
  private static final String DENIED =
      "Access denied by http://127.0.0.1:8000: the credentials may not call dynamodb:Query on"
          + " arn:aws:dynamodb:us-east-1:000000000000:table/t; the denied call changed nothing."
          + " Grant it: 'pitr iam-policy COMMAND --table TABLE' prints the policy this command"
          + " needs";

  /** {@link #DENIED} with {@code policy} as its hint. */
  private static String deniedWith(String policy) {
    return DENIED.replace("pitr iam-policy COMMAND --table TABLE", policy);
  }

  /** The command line that ran, parsed as {@code pitr ARGS} is. */
  private static CommandLine failed(String... args) {
    CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().commandLine();
  }

  @Test
  void named_forACommandOnTables_namesItWithTheTablePlaceholder() {
    assertThat(IamHint.named(DENIED, failed("rollback", "orders", "--to", "2026-01-01T00:00:00Z")))
        .isEqualTo(deniedWith("pitr iam-policy rollback --table TABLE"));
  }

  @Test
  void named_forACommandOnNoTableOfTheOperators_namesItWithoutTable() {
    assertThat(IamHint.named(DENIED, failed("logs", "0001")))
        .isEqualTo(deniedWith("pitr iam-policy logs"));
    assertThat(IamHint.named(DENIED, failed("runs", "list", "--ledger-table", "ops-ledger")))
        .isEqualTo(deniedWith("pitr iam-policy runs list --ledger-table ops-ledger"));
    assertThat(IamHint.named(DENIED, failed("migrate", "list", "--ledger-table", "ops-ledger")))
        .isEqualTo(deniedWith("pitr iam-policy migrate list --ledger-table ops-ledger"));
  }

  @Test
  void named_keepsTheOptionsThatChangeThePolicyOrNameItsResources_beforeTheTable() {
    assertThat(
            IamHint.named(
                DENIED,
                failed(
                    "migrate",
                    "resume",
                    "0001",
                    "--prod",
                    "--journal-table",
                    "ops-journal",
                    "--ledger-table",
                    "ops-ledger")))
        .isEqualTo(
            deniedWith(
                "pitr iam-policy migrate resume --prod --ledger-table ops-ledger --journal-table"
                    + " ops-journal --table TABLE"));
    assertThat(
            IamHint.named(
                DENIED, failed("export", "orders", "--to", "s3", "--bucket", "exp", "--wait")))
        .isEqualTo(deniedWith("pitr iam-policy export --wait --bucket exp --table TABLE"));
  }

  @Test
  void named_ofARollbackGivenABucket_namesThePolicyOfARollbackFromAnExport() {
    assertThat(
            IamHint.named(
                DENIED,
                failed("rollback", "orders", "--to", "2026-01-01T00:00:00Z", "--bucket", "exp")))
        .isEqualTo(
            deniedWith("pitr iam-policy rollback --source export --bucket exp --table TABLE"));
  }

  @Test
  void named_keepsOnlyTheFlagsThatChangeThePolicy() {
    // restore --wait calls what restore does: the policy is restore's.
    assertThat(
            IamHint.named(
                DENIED, failed("restore", "orders", "--to", "2026-01-01T00:00:00Z", "--wait")))
        .isEqualTo(deniedWith("pitr iam-policy restore --table TABLE"));
  }

  @Test
  void named_forACommandWithNoPolicy_leavesTheGenericHint() {
    assertThat(IamHint.named(DENIED, failed("migrate", "new", "cars_get_a_price")))
        .isEqualTo(DENIED);
  }

  @Test
  void named_forAMessageWithoutTheHint_leavesItAsItIs() {
    String other = "Table orders does not exist in us-east-1; check the name and region";

    assertThat(IamHint.named(other, failed("rollback", "orders"))).isEqualTo(other);
    assertThat(IamHint.named(null, failed("rollback", "orders"))).isNull();
  }

  @Test
  void deniedWrites_ofFailuresIamDenied_namesThePermissionAndThePolicyOfTheCommand()
      throws Exception {
    Path failures =
        Files.writeString(
            dir.resolve("failures.jsonl"),
            "{\"error\":\"User: arn:aws:iam::1:user/ann is not authorized to perform:"
                + " dynamodb:BatchWriteItem on resource:"
                + " arn:aws:dynamodb:us-east-1:1:table/orders\"}\n");

    assertThat(IamHint.deniedWrites(failures, "copy-back"))
        .isEqualTo(
            " (access denied: the credentials may not call dynamodb:BatchWriteItem on"
                + " arn:aws:dynamodb:us-east-1:1:table/orders; 'pitr iam-policy copy-back --table"
                + " TABLE' prints the policy copy-back needs)");
  }

  @Test
  void deniedWrites_ofOtherFailures_saysNothing() throws Exception {
    Path failures = Files.writeString(dir.resolve("failures.jsonl"), "{\"error\":\"throttled\"}\n");

    assertThat(IamHint.deniedWrites(failures, "copy-back")).isEmpty();
    assertThat(IamHint.deniedWrites(null, "copy-back")).isEmpty();
  }
}
