package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pitr export}, {@code pitr changes} and {@code pitr rollback --source export} on the
 * command line, against an engine that writes exports to a directory laid out as buckets: exit
 * codes, messages, and that a refusal changes nothing.
 */
class ExportCommandsTest {
  @TempDir Path dir;
  private OrdersIncident incident;
  private LocalCli cli;
  private Instant t0;
  private Instant t1;

  /** The incident of {@link OrdersIncident#withExports}: now is T1 + 5m. */
  @BeforeEach
  void start() throws Exception {
    incident = OrdersIncident.withExports(dir);
    cli = incident.cli;
    t0 = incident.t0;
    t1 = incident.t1;
  }

  @AfterEach
  void stop() {
    incident.close();
  }

  private String exportDir() {
    return dir.resolve("s3").toString();
  }

  private String exportArn() {
    assertThat(
            cli.exit(
                "export",
                "orders",
                "--from",
                t0.toString(),
                "--to",
                t1.toString(),
                "--bucket",
                "exports",
                "--export-dir",
                exportDir(),
                "--wait"))
        .as(cli.last.err())
        .isZero();
    return cli.last.out().replaceAll("(?s)^Export (\\S+) is .*", "$1");
  }

  @Test
  void export_withWait_printsTheArnWhereItIsAndWhatToRunNext() {
    int code =
        cli.exit(
            "export",
            "orders",
            "--from",
            t0.toString(),
            "--to",
            t1.toString(),
            "--bucket",
            "exports",
            "--prefix",
            "incident",
            "--export-dir",
            exportDir(),
            "--wait");

    assertThat(code).as(cli.last.err()).isZero();
    String arn = cli.last.out().replaceAll("(?s)^Export (\\S+) is .*", "$1");
    assertThat(arn).contains(":table/orders/export/");
    String manifest =
        cli.local
            .client
            .describeExport(r -> r.exportArn(arn))
            .join()
            .exportDescription()
            .exportManifest();
    assertThat(cli.last.out())
        .isEqualTo(
            "Export "
                + arn
                + " is COMPLETED\n"
                + "  changes to orders in ["
                + t0
                + ", "
                + t1
                + ") to "
                + dir.resolve("s3/exports/incident")
                + "\n  3 items; manifest "
                + dir.resolve("s3/exports").resolve(manifest)
                + "\nNext: 'pitr changes orders --export "
                + arn
                + " --export-dir "
                + exportDir()
                + "'\n");
    assertThat(cli.last.err()).contains("exporting " + arn + ": COMPLETED (elapsed ");
  }

  @Test
  void export_toABucketThatDoesNotExist_exits2AndRequestsNothing() {
    int code =
        cli.exit(
            "export",
            "orders",
            "--from",
            t0.toString(),
            "--to",
            t1.toString(),
            "--bucket",
            "nope",
            "--export-dir",
            exportDir());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "Bucket nope does not exist ("
                + dir.resolve("s3/nope")
                + "); create it first or pass another --bucket. Nothing was exported.");
    assertThat(incident.exports()).isZero();
  }

  /**
   * AWS_ENDPOINT_URL set to the engine sends S3's requests there too; the engine serves DynamoDB
   * only, and the export is refused before it is requested, naming the endpoint and the fix.
   */
  @Test
  void export_withS3SentToTheEngine_exits2NamingTheEndpointAndExportDir_andRequestsNothing() {
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", cli.local.endpoint());

    int code =
        cli.exit(
            env,
            "export",
            "orders",
            "--from",
            t0.toString(),
            "--to",
            t1.toString(),
            "--bucket",
            "exports");

    assertThat(code).as(cli.last.err()).isEqualTo(2);
    assertThat(cli.last.err())
        .startsWith(
            "error: S3 at "
                + cli.local.endpoint()
                + " (AWS_ENDPOINT_URL) did not answer as S3 when checking bucket exports (")
        .contains(
            "pitr's embedded engine serves DynamoDB only and writes exports to a folder: read"
                + " them with --export-dir DIR, the folder given to 'pitr local serve --export-dir"
                + " DIR', or point AWS_ENDPOINT_URL_S3 at an S3 endpoint\n");
    assertThat(incident.exports()).isZero();
  }

  /** Reading an export through S3 sent to the engine: its health text is not taken for the data. */
  @Test
  void changes_withS3SentToTheEngine_exits2NamingTheEndpoint_andWritesNoKeysFile() {
    String arn = exportArn();
    Path keys = dir.resolve("keys.jsonl");

    int code =
        cli.exit(
            Map.of("AWS_ENDPOINT_URL", cli.local.endpoint()),
            "changes",
            "orders",
            "--export",
            arn,
            "--keys-out",
            keys.toString());

    assertThat(code).as(cli.last.err()).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "\nerror: S3 at "
                + cli.local.endpoint()
                + " (AWS_ENDPOINT_URL) did not answer as S3 when reading s3://exports/")
        .contains("it answered with DynamoDB's health text instead of the object");
    assertThat(keys).doesNotExist();
  }

  @Test
  void export_withoutABucket_exits2() {
    assertThat(cli.exit("export", "orders", "--to", t1.toString())).isEqualTo(2);
    assertThat(cli.last.err()).contains("Give --bucket BUCKET, the S3 bucket to export orders to");
    assertThat(incident.exports()).isZero();
  }

  @Test
  void changes_ofAnExport_printsCountsAndSamples_andWritesTheKeysFile() throws Exception {
    String arn = exportArn();
    Path keys = dir.resolve("keys.jsonl");

    int code =
        cli.exit(
            "changes",
            "orders",
            "--export",
            arn,
            "--export-dir",
            exportDir(),
            "--keys-out",
            keys.toString());

    assertThat(code).as(cli.last.err()).isZero();
    assertThat(cli.last.out())
        .isEqualTo(
            "Changes to orders in ["
                + t0
                + ", "
                + t1
                + ") from export "
                + arn
                + ":\n"
                + "  inserted: 1\n"
                + "  updated:  1\n"
                + "  deleted:  1\n"
                + "  sample inserts:\n"
                + "    {\"pk\":{\"S\":\"n\"}}\n"
                + "  sample updates:\n"
                + "    {\"pk\":{\"S\":\"a\"}}\n"
                + "  sample deletes:\n"
                + "    {\"pk\":{\"S\":\"b\"}}\n"
                + "3 changed keys written to "
                + keys
                + "; 'pitr copy-back --from RECOVERY --to orders --keys "
                + keys
                + "' copies just those\n");
    assertThat(Files.readAllLines(keys)).hasSize(4);
  }

  @Test
  void changes_ofAnotherTablesExport_exits2AndWritesNoKeysFile() {
    String arn = exportArn();
    cli.local.createTable("other");
    String other =
        cli.local.client.describeTable(r -> r.tableName("other")).join().table().tableArn();
    String orders =
        cli.local.client.describeTable(r -> r.tableName("orders")).join().table().tableArn();
    Path keys = dir.resolve("keys.jsonl");

    int code =
        cli.exit(
            "changes",
            "other",
            "--export",
            arn,
            "--export-dir",
            exportDir(),
            "--keys-out",
            keys.toString());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "Export "
                + arn
                + " cannot say what changed in other: it is an export of "
                + orders
                + ", not of "
                + other
                + "; pass an incremental export of the table, or --bucket with --from and --to to"
                + " export the window now");
    assertThat(keys).doesNotExist();
  }

  private int rollback(String... extra) {
    return cli.exit(incident.rollback(dir.resolve("state"), extra).toArray(String[]::new));
  }

  @Test
  void rollback_fromAnExport_restoresTheIncidentWithoutRecoveryTables() {
    List<String> before = incident.tables();

    int code =
        rollback("--source", "export", "--bucket", "exports", "--export-dir", exportDir(), "--yes");

    assertThat(code).as(cli.last.err()).isZero();
    assertThat(incident.orders()).isEqualTo(Map.of("a", "v1", "b", "v1", "c", "v1"));
    assertThat(incident.tables()).isEqualTo(before);
    assertThat(cli.last.out())
        .containsPattern("scope: export arn:aws:dynamodb:\\S+:table/orders/export/\\S+\n")
        .contains("restore   2")
        .contains("delete    1");
    // Planning reads the export's changes (a, b and d), counted as progress.
    assertThat(cli.last.err()).containsPattern("(?m)^summary command=rollback-plan items_read=3 ");
    assertThat(incident.exports()).isEqualTo(1);
  }

  @Test
  void rollback_fromAnExportByArn_savesAPlanWhoseHeaderNamesTheExport() throws Exception {
    String arn = exportArn();
    Path plan = dir.resolve("plan.jsonl");
    Map<String, String> before = incident.orders();

    int code = rollback("--export", arn, "--export-dir", exportDir(), "--plan", plan.toString());

    assertThat(code).as(cli.last.err()).isZero();
    assertThat(Files.readAllLines(plan).get(0)).contains("\"scope\":\"export " + arn + "\"");
    assertThat(incident.orders()).isEqualTo(before);
  }

  @Test
  void rollback_fromAnExportOfAWindowOverADay_exits3NamingTheRestoreCommand() {
    Instant early = t1.minus(Duration.ofHours(25));
    List<String> before = incident.tables();

    int code =
        cli.exit(
            "rollback",
            "orders",
            "--to",
            early.toString(),
            "--incident-end",
            t1.toString(),
            "--source",
            "export",
            "--bucket",
            "exports",
            "--export-dir",
            exportDir(),
            "--state-dir",
            dir.resolve("state").toString());

    assertThat(code).isEqualTo(3);
    assertThat(cli.last.err())
        .contains(
            "The window --to "
                + early
                + " to --incident-end "
                + t1
                + " is 1d1h, and an incremental export covers at most 24h; roll back from"
                + " restored tables instead: 'pitr rollback orders --to "
                + early
                + " --incident-end "
                + t1
                + " --source restore'. Nothing was changed.");
    assertThat(incident.exports()).isZero();
    assertThat(incident.tables()).isEqualTo(before);
  }

  @Test
  void rollback_fromAnExportWithoutIncidentEnd_exits2() {
    int code =
        cli.exit(
            "rollback",
            "orders",
            "--to",
            t0.toString(),
            "--bucket",
            "exports",
            "--export-dir",
            exportDir(),
            "--state-dir",
            dir.resolve("state").toString());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "--source export needs --incident-end T1: the export of [T0, T1) says what the"
                + " incident changed; pass --incident-end, or roll back from a restore without"
                + " it: 'pitr rollback orders --to "
                + t0
                + " --source restore'");
    assertThat(incident.exports()).isZero();
  }

  @Test
  void rollback_withAnUnknownSourceOrExportOptionsForARestore_exits2() {
    assertThat(rollback("--source", "backup")).isEqualTo(2);
    assertThat(cli.last.err()).contains("--source backup is not known; pass restore or export");
    assertThat(rollback("--source", "restore", "--bucket", "exports")).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "--bucket and --export are for --source export; drop them to roll back from restored"
                + " tables");
    assertThat(rollback("--source", "export")).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "Give --bucket BUCKET to export the window to, or --export ARN to use an export made"
                + " before with 'pitr export'");
    assertThat(incident.exports()).isZero();
  }
}
