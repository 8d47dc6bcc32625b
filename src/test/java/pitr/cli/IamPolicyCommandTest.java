package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import pitr.iam.CommandPermissions;

/** {@code pitr iam-policy}: what it prints and what it refuses. It calls nothing. */
class IamPolicyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void iamPolicy_ofCopyBack_grantsItsActionsOnTheTableItsRecoveryTablesAndCheckpoints()
      throws Exception {
    CliRun run = new CliRun();

    int code =
        run.execute(
            "iam-policy",
            "copy-back",
            "--table",
            "orders",
            "--region",
            "eu-west-1",
            "--account-id",
            "123456789012",
            "--checkpoint-table",
            "pitr-checkpoints");

    assertThat(code).as(run.err()).isZero();
    JsonNode policy = JSON.readTree(run.out());
    assertThat(policy.get("Version").asText()).isEqualTo("2012-10-17");
    JsonNode tables = policy.get("Statement").get(0);
    assertThat(tables.get("Sid").asText()).isEqualTo("Tables");
    assertThat(tables.get("Resource").asText())
        .isEqualTo("arn:aws:dynamodb:eu-west-1:123456789012:table/orders");
    assertThat(tables.get("Action").toString())
        .isEqualTo(
            "[\"dynamodb:BatchWriteItem\",\"dynamodb:DescribeTable\","
                + "\"dynamodb:ListTagsOfResource\",\"dynamodb:Scan\"]");
    assertThat(policy.get("Statement").get(1).get("Resource").asText())
        .isEqualTo("arn:aws:dynamodb:eu-west-1:123456789012:table/orders-recovery-*");
    assertThat(policy.get("Statement").get(2).get("Resource").asText())
        .isEqualTo("arn:aws:dynamodb:eu-west-1:123456789012:table/pitr-checkpoints");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void iamPolicy_ofATwoWordCommand_withoutRegionOrAccount_namesAnyOfThem() throws Exception {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "migrate", "list")).as(run.err()).isZero();

    assertThat(JSON.readTree(run.out()).get("Statement").get(0).get("Resource").asText())
        .isEqualTo("arn:aws:dynamodb:*:*:table/pitr-ledger");
  }

  @Test
  void iamPolicy_ofMigrateSubmit_passesOnlyPitrsRolesToBatch() throws Exception {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "migrate", "submit", "--table", "cars")).isZero();

    assertThat(run.out())
        .contains("\"iam:PassRole\"")
        .contains("\"arn:aws:iam::*:role/pitr-job\"")
        .contains("\"iam:PassedToService\": \"scheduler.amazonaws.com\"");
  }

  @Test
  void iamPolicy_withOutputJson_wrapsThePolicyWithTheCommand() throws Exception {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "status", "--table", "orders", "--output", "json"))
        .isZero();

    JsonNode out = JSON.readTree(run.out());
    assertThat(out.get("command").asText()).isEqualTo("status");
    assertThat(out.get("policy").get("Statement").size()).isEqualTo(3);
  }

  @Test
  void iamPolicy_ofACommandWithoutOne_isRefusedListingThoseWithOne() {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "demo")).isEqualTo(2);

    assertThat(run.err())
        .startsWith(
            "error: No IAM policy for 'demo': it calls nothing on AWS or is not a pitr command;"
                + " give one of: status, restore, diff, copy-back, drop, rollback, runs list,")
        .endsWith(", job-role\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void iamPolicy_ofAMistypedCommand_suggestsTheNearestOne() {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "copyback", "--table", "orders")).isEqualTo(2);

    assertThat(run.err())
        .startsWith(
            "error: No IAM policy for 'copyback': it calls nothing on AWS or is not a pitr command"
                + " (did you mean copy-back?); give one of: status,");
  }

  @Test
  void iamPolicy_ofATableCommandWithoutTable_isRefused() {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "restore")).isEqualTo(2);

    assertThat(run.err())
        .isEqualTo(
            "error: 'restore' works on tables: name each with --table (e.g. --table orders; its"
                + " recovery tables orders-recovery-* are included)\n");
  }

  @Test
  void iamPolicy_withAnAccountIdThatIsNotTwelveDigits_isRefused() {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "status", "--table", "t", "--account-id", "12"))
        .isEqualTo(2);

    assertThat(run.err())
        .isEqualTo("error: --account-id 12: not an AWS account id; give its 12 digits\n");
  }

  @Test
  void iamPolicy_ofRollbackFromAnExport_grantsTheExportAndTheBucketInsteadOfRecoveryTables()
      throws Exception {
    CliRun run = new CliRun();

    int code =
        run.execute(
            "iam-policy",
            "rollback",
            "--source",
            "export",
            "--table",
            "orders",
            "--bucket",
            "exports",
            "--prefix",
            "incident/");

    assertThat(code).as(run.err()).isZero();
    JsonNode statements = JSON.readTree(run.out()).get("Statement");
    List<String> sids = new ArrayList<>();
    statements.forEach(st -> sids.add(st.get("Sid").asText()));
    assertThat(sids).containsExactly("Tables", "Exports", "ExportBucket", "ExportObjects");
    assertThat(statements.get(1).get("Resource").asText())
        .isEqualTo("arn:aws:dynamodb:*:*:table/orders/export/*");
    assertThat(statements.get(2).get("Resource").asText()).isEqualTo("arn:aws:s3:::exports");
    assertThat(statements.get(3).get("Resource").asText())
        .isEqualTo("arn:aws:s3:::exports/incident/*");
  }

  private static final String ONE_EXPORT =
      "arn:aws:dynamodb:us-east-1:123456789012:table/cars/export/01234567890123-a1b2c3d4";

  private static final String ONE_EXPORT_REFUSED =
      "error: --export names one export of one table, and 'pitr migrate rollback' exports every"
          + " table the run wrote from its restore point; pass --bucket BUCKET instead\n";

  @org.junit.jupiter.params.ParameterizedTest(name = "migrate rollback --export ARN {0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"--source export --bucket exports", "--source export", ""})
  void iamPolicy_ofMigrateRollbackFromOneExport_isRefusedAsTheCommandRefusesIt(String options) {
    List<String> more = new ArrayList<>(List.of("--export", ONE_EXPORT));
    if (!options.isEmpty()) {
      more.addAll(List.of(options.split(" ")));
    }
    List<String> policy = new ArrayList<>(List.of("iam-policy", "migrate", "rollback"));
    policy.addAll(List.of("--table", "cars"));
    policy.addAll(more);
    List<String> command = new ArrayList<>(List.of("migrate", "rollback", "0001", "--yes"));
    command.addAll(more);
    CliRun iamPolicy = new CliRun();
    CliRun rollback = new CliRun();

    assertThat(iamPolicy.execute(policy.toArray(String[]::new))).isEqualTo(2);
    assertThat(rollback.execute(command.toArray(String[]::new))).isEqualTo(2);

    assertThat(iamPolicy.err()).isEqualTo(ONE_EXPORT_REFUSED).isEqualTo(rollback.err());
    assertThat(iamPolicy.out()).isEmpty();
  }

  @Test
  void iamPolicy_ofLogs_grantsTheJobsDescriptionItsLogsAndTheLedgerItFindsAMigrationsJobIn()
      throws Exception {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "logs", "--checkpoint-table", "cp"))
        .as(run.err())
        .isZero();

    JsonNode statements = JSON.readTree(run.out()).get("Statement");
    List<String> grants = new ArrayList<>();
    statements.forEach(st -> grants.add(st.get("Sid").asText() + " " + st.get("Action")));
    assertThat(grants)
        .containsExactly(
            "Ledger [\"dynamodb:DescribeTable\",\"dynamodb:Query\"]",
            "Checkpoints [\"dynamodb:DescribeTable\",\"dynamodb:Query\"]",
            "BatchDescribe [\"batch:DescribeJobs\"]",
            "JobLogs [\"logs:GetLogEvents\"]");
  }

  @Test
  void iamPolicy_ofAnExportCommandWithoutBucket_isRefused() {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "changes", "--table", "orders")).isEqualTo(2);

    assertThat(run.err())
        .isEqualTo(
            "error: 'changes' writes or reads exports in S3: name the bucket with --bucket (and"
                + " the key prefix with --prefix, as given to the command)\n");
  }

  @Test
  void iamPolicy_ofOneExportWithoutBucket_isRefusedSayingWhereThatExportsBucketIsShown() {
    String arn =
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/export/01234567890123-a1b2c3d4";
    CliRun run = new CliRun();

    assertThat(
            run.execute(
                "iam-policy",
                "rollback",
                "--source",
                "export",
                "--export",
                arn,
                "--table",
                "orders"))
        .isEqualTo(2);

    assertThat(run.err())
        .isEqualTo(
            "error: 'rollback --source export --export "
                + arn
                + "' reads that export's files in S3: name the bucket it was written to with"
                + " --bucket (and its key prefix with --prefix); 'aws dynamodb describe-export"
                + " --export-arn "
                + arn
                + "' shows them as S3Bucket and S3Prefix\n");
  }

  @Test
  void iamPolicy_withAnOptionThatDoesNotChangeTheCalls_isRefused() {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "status", "--wait", "--table", "orders")).isEqualTo(2);

    assertThat(run.err())
        .startsWith(
            "error: 'status --wait' is not a way to run status: those options do not change what"
                + " it calls, or it has none of them; give one of: ");
  }

  @Test
  void iamPolicy_ofRunsWithoutCheckpointTable_isRefused_forTheyCallNothing() {
    CliRun run = new CliRun();

    assertThat(run.execute("iam-policy", "runs", "list")).isEqualTo(2);

    assertThat(run.err())
        .isEqualTo(
            "error: 'runs list' calls AWS only with --checkpoint-table (it reads its runs from"
                + " --state-dir otherwise): pass the --checkpoint-table it uses\n");
  }

  @Test
  void iamPolicy_withMetricsCloudwatch_addsPutMetricDataInPitrsNamespace() {
    CliRun run = new CliRun();

    assertThat(
            run.execute("iam-policy", "copy-back", "--table", "orders", "--metrics", "cloudwatch"))
        .as(run.err())
        .isZero();

    assertThat(run.out())
        .contains("\"cloudwatch:PutMetricData\"")
        .contains("\"cloudwatch:namespace\": \"pitr\"")
        .doesNotContain("pitr-checkpoints");
  }

  /** Commands that take a target option but call nothing on AWS. */
  private static final List<String> CALL_NOTHING = List.of("iam-policy");

  @Test
  void everyCommandThatUsesATargetOption_hasAPolicyInTheCatalogue() {
    List<String> missing = new ArrayList<>();
    walk(Main.commandLine(), missing);

    assertThat(missing).as("commands that call AWS and have no IAM policy").isEmpty();
  }

  private static void walk(CommandLine command, List<String> missing) {
    if (!command.getSubcommands().isEmpty()) {
      command.getSubcommands().values().forEach(c -> walk(c, missing));
      return;
    }
    TargetUse use = command.getCommand().getClass().getAnnotation(TargetUse.class);
    String name = command.getCommandSpec().qualifiedName(" ").substring("pitr ".length());
    boolean callsAws = use == null || use.uses().length > 0;
    if (callsAws && !CALL_NOTHING.contains(name) && !CommandPermissions.commands().contains(name)) {
      missing.add(name);
    }
  }
}
