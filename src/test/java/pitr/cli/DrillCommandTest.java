package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import pitr.TestHttp;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

class DrillCommandTest {
  @TempDir Path dir;

  private static Document xml(Path html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(html.toFile());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rollback-bad-migration",
        "full-table-restore",
        "drill-under-throttling",
        "rollback-via-export"
      })
  void drill_ofEachShippedRunbook_passesAtSmallScale_andWritesAWellFormedReport(String name)
      throws Exception {
    Path report = dir.resolve("report");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "drill",
            "runbooks/" + name + ".yaml",
            "--scale",
            "0.02",
            "--report",
            report.toString());

    assertThat(code).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("RESULT: drill passed").contains("data lost: 0");
    assertThat(Files.readString(report.resolve("report.md")))
        .startsWith("# Drill " + name + ": PASSED")
        .contains("| Data lost (items not restored; must be 0) | 0 |");
    Document html = xml(report.resolve("report.html"));
    assertThat(html.getDocumentElement().getLocalName()).isEqualTo("html");
    assertThat(html.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength())
        .isEqualTo(1);
    assertThat(Files.readString(report.resolve("report.html")))
        .contains("<div id=\"timeline\"")
        .contains("write units per second (WCU/s)");
    assertThat(html.getDocumentElement().getTextContent())
        .contains("Recovery time (start of recovery to verified)")
        .contains("WCU used");
  }

  @Test
  void drill_ofRollbackViaExport_showsBothRecoveryPathsSideBySide_inTextJsonAndTheReport()
      throws Exception {
    Path report = dir.resolve("report");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "drill", "rollback-via-export", "--scale", "0.02", "--report", report.toString());

    assertThat(code).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .containsPattern(
            "Recovery paths, side by side:\n"
                + " +restore \\(step 20, orders-restore\\) +export \\(step 22, orders-export\\)\n"
                + "  Recovery time +[0-9.]+ s +[0-9.]+ s\n"
                + "  Items restored +16 +16\n"
                + "  Items deleted +0 +0\n"
                + "  Conflicts kept +4 +4\n"
                + "  Read units on the live table +52.0 +52.0\n"
                + "  Read units in all \\(recovery tables too\\) +80.0 +52.0\n"
                + "  Lost writes \\(must be 0\\) +0 +0\n"
                + "  Recovery tables made +2 +0\n");
    String md = Files.readString(report.resolve("report.md"));
    assertThat(md)
        .contains("## Recovery paths")
        .contains("|  | restore (step 20, orders-restore) | export (step 22, orders-export) |")
        .contains("| Lost writes (must be 0) | 0 | 0 |")
        .contains("| Recovery tables made | 2 | 0 |");
    Document html = xml(report.resolve("report.html"));
    assertThat(html.getElementsByTagName("table").getLength()).isEqualTo(3);
    assertThat(Files.readString(report.resolve("report.html")))
        .contains(
            "<table id=\"recovery-paths\"><tr><th></th><th>restore (step 20, orders-restore)</th>")
        .contains("<tr><td>Lost writes (must be 0)</td><td>0</td><td>0</td></tr>");

    CliRun json = new CliRun();
    assertThat(
            json.execute(
                "drill",
                "rollback-via-export",
                "--scale",
                "0.02",
                "--report",
                dir.resolve("report2").toString(),
                "--output",
                "json"))
        .as(json.err())
        .isZero();
    assertThat(json.out())
        .contains(
            "\"recoveryPaths\" : [ {\n    \"step\" : 20,\n    \"table\" :"
                + " \"orders-restore\",\n    \"source\" : \"restore\",\n")
        .contains("    \"table\" : \"orders-export\",\n    \"source\" : \"export\",\n")
        .contains(
            "    \"liveReadUnits\" : 52.0,\n    \"readUnits\" : 52.0,\n    \"lostWrites\" :"
                + " 0,\n    \"recoveryTables\" : 0\n  } ]");
  }

  @Test
  void drill_withAWrongAssertion_exitsOne_andTheReportSaysWhichAndWhy() throws Exception {
    Path runbook = dir.resolve("wrong.yaml");
    Files.writeString(
        runbook,
        """
        name: wrong
        description: A drill whose count assertion is wrong on purpose.
        steps:
          - type: create-table
            description: Create table things
            table: things
            key: {pk: S}
          - type: seed
            description: Seed 10 items
            table: things
            items: 10
          - type: assert-count
            description: Expect 11 items
            table: things
            equals: 11
          - type: drop
            description: Drop table things
            table: things
        """);
    Path report = dir.resolve("report");
    CliRun run = new CliRun();

    int code = run.execute("drill", runbook.toString(), "--report", report.toString());

    assertThat(code).isEqualTo(1);
    assertThat(run.out())
        .contains(" 3. FAILED  Expect 11 items\n      things holds 10 items, expected 11")
        .contains(" 4. PASSED  Drop table things");
    assertThat(run.err())
        .contains(
            "error: Drill wrong failed: 1 step failed (step 3: things holds 10 items, expected"
                + " 11); see "
                + report.resolve("report.html"));
    assertThat(Files.readString(report.resolve("report.md")))
        .startsWith("# Drill wrong: FAILED: 1 of 4 steps failed")
        .contains("- Step 3 (Expect 11 items): things holds 10 items, expected 11");
    assertThat(
            xml(report.resolve("report.html")).getElementsByTagName("li").item(0).getTextContent())
        .isEqualTo("Step 3 (Expect 11 items): things holds 10 items, expected 11");
  }

  private Path quickRunbook() throws Exception {
    return Files.writeString(
        dir.resolve("quick.yaml"),
        """
        name: quick
        description: A drill that creates and drops a table.
        steps:
          - type: create-table
            description: Create table things
            table: things
            key: {pk: S}
          - type: drop
            description: Drop table things
            table: things
        """);
  }

  @Test
  void drill_withAReportFolderThatCannotBeWritten_exitsTwoBeforeTheDrill() throws Exception {
    Path runbook = quickRunbook();
    Path file = Files.writeString(dir.resolve("notes.txt"), "not a folder");
    Path report = file.resolve("report");
    CliRun run = new CliRun();

    int code = run.execute("drill", runbook.toString(), "--report", report.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Cannot write --report "
                + report.resolve("report.md")
                + ": "
                + file
                + " is not a folder; choose a path under an existing folder. Nothing was"
                + " changed.\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void drill_withAReportPathThatIsAFile_exitsTwoBeforeTheDrill() throws Exception {
    Path runbook = quickRunbook();
    Path file = Files.writeString(dir.resolve("report.txt"), "keep me");
    CliRun run = new CliRun();

    int code = run.execute("drill", runbook.toString(), "--report", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Cannot write the drill report to "
                + file
                + ": it is a file; pass --report a folder (created if missing). Nothing was"
                + " changed.\n");
    assertThat(run.out()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo("keep me");
  }

  @Test
  void drill_ofAFolder_exitsTwoNamingARunbookFile() {
    CliRun run = new CliRun();

    int code = run.execute("drill", dir.toString(), "--report", dir.resolve("r").toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Runbook "
                + dir
                + " is a folder; name a runbook file such as"
                + " runbooks/rollback-bad-migration.yaml\n");
    assertThat(dir.resolve("r")).doesNotExist();
  }

  @Test
  void drill_ofAMissingRunbook_exitsTwoNamingItAndTheRunbooksThatExist() {
    CliRun run = new CliRun();

    int code = run.execute("drill", "rollback-bad-migraton");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "error: Runbook rollback-bad-migraton does not exist; name a runbook file such as"
                + " runbooks/rollback-bad-migration.yaml, or a name from runbooks/ (")
        .contains("full-table-restore")
        .contains("rollback-bad-migration");
  }

  @Test
  void drill_withAMalformedRunbook_exitsTwo_namingLineAndColumn() throws Exception {
    Path runbook = dir.resolve("bad.yaml");
    Files.writeString(
        runbook, "name: bad\ndescription: x\nsteps:\n  - type: teleport\n    description: Go\n");
    CliRun run = new CliRun();

    int code = run.execute("drill", runbook.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: Runbook " + runbook + " at line 4, column")
        .contains("unknown step type 'teleport'");
  }

  @Test
  void explain_printsANumberedChecklistWithTheEquivalentCommands() {
    CliRun run = new CliRun();

    int code = run.execute("drill", "runbooks/full-table-restore.yaml", "--explain");

    assertThat(code).isZero();
    assertThat(run.out())
        .startsWith("Runbook full-table-restore: ")
        .contains(
            " 1. [ ] Create the orders table (partition key pk, on-demand)\n"
                + "        aws dynamodb create-table --table-name orders --attribute-definitions"
                + " AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH"
                + " --billing-mode PAY_PER_REQUEST\n")
        .contains("aws dynamodb update-continuous-backups --table-name orders")
        .contains(
            "pitr rollback orders --to $before-delete --delete-extra --plan rollback-plan.jsonl")
        .contains("pitr rollback --apply rollback-plan.jsonl")
        .contains(
            "14. [ ] Drop the orders table\n        aws dynamodb delete-table --table-name orders\n");
  }

  /** {@code pitr local serve} on a free port in a thread; {@link #close} stops it. */
  private static final class Served implements AutoCloseable {
    final CliRun run = new CliRun();
    final Thread thread = new Thread(() -> run.execute("local", "serve", "--port", "0"));
    final String endpoint;

    Served() throws InterruptedException {
      thread.start();
      endpoint = ServeCommandTest.awaitEndpoint(run, Duration.ofSeconds(30)).toString();
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(30_000);
    }
  }

  private static final String ROLLBACK_RUNBOOK =
      """
      name: any-endpoint
      description: A small rollback drill for any DynamoDB endpoint.
      steps:
        - type: create-table
          description: Create table things
          table: things
          key: {pk: S}
        - type: seed
          description: Seed 40 things
          table: things
          items: 40
        - type: enable-pitr
          description: Turn on point-in-time recovery
          table: things
        - type: advance
          description: Let a second pass
          by: 1s
        - type: snapshot
          description: Remember every thing
          table: things
          name: before
        - type: mark
          description: T0
          name: t0
        - type: traffic
          id: bad
          description: A bad job closes every 4th thing
          table: things
          every: 4
          set: {status: closed}
        - type: mark
          description: T1
          name: t1
        - type: traffic
          id: edits
          description: Customers edit every 8th thing
          table: things
          every: 8
          set: {status: edited}
        - type: rollback
          description: Roll back what the bad job changed
          table: things
          to: t0
          incident-end: t1
        - type: assert-unchanged
          description: Every thing as before except the customer edits
          table: things
          snapshot: before
          except: [edits]
        - type: assert-conflicts
          description: The customer edits are the conflicts
          traffic: edits
        - type: drop
          description: Drop things
          table: things
      """;

  @Test
  void drill_withTargetAwsAndEndpointUrl_runsOverTheEndpoint_waitingInsteadOfMovingTheClock()
      throws Exception {
    Path runbook = Files.writeString(dir.resolve("any-endpoint.yaml"), ROLLBACK_RUNBOOK);
    Path report = dir.resolve("report");
    try (Served served = new Served()) {
      CliRun run = new CliRun();

      int code =
          run.execute(
              "--endpoint-url",
              served.endpoint,
              "drill",
              runbook.toString(),
              "--target",
              "aws",
              "--report",
              report.toString());

      assertThat(code).as(run.out() + run.err()).isZero();
      assertThat(run.out())
          .startsWith("Drill any-endpoint on " + served.endpoint + "\n")
          .contains(
              " 4. PASSED  Let a second pass\n      waited 1s (the clock of "
                  + served.endpoint
                  + " cannot be moved)")
          .contains("restored 5, deleted 0, conflicts 5, not verified 0, failed 0")
          .contains("data lost: 0; conflicts: 5")
          .contains("RESULT: drill passed");
      assertThat(Files.readString(report.resolve("report.md")))
          .startsWith("# Drill any-endpoint: PASSED");
      try (DynamoDbAsyncClient client = client(served.endpoint)) {
        assertThat(client.listTables().join().tableNames()).isEmpty();
      }
    }
  }

  @Test
  void drill_withTargetAws_refusesAFaultsStepClearly_skipsTheRest_butStillDrops() throws Exception {
    Path runbook =
        Files.writeString(
            dir.resolve("faults.yaml"),
            """
            name: faults-on-aws
            description: Faults need the embedded engine.
            steps:
              - type: create-table
                description: Create table things
                table: things
                key: {pk: S}
              - type: faults
                description: Throttle a fifth of the requests
                spec: throttle=0.2
              - type: seed
                description: Seed 10 things
                table: things
                items: 10
              - type: drop
                description: Drop things
                table: things
            """);
    try (Served served = new Served()) {
      CliRun run = new CliRun();
      run.root().target().env = Map.of("AWS_ENDPOINT_URL", served.endpoint);

      int code =
          run.execute(
              "drill",
              runbook.toString(),
              "--target",
              "aws",
              "--report",
              dir.resolve("report").toString());

      assertThat(code).isEqualTo(1);
      assertThat(run.out())
          .startsWith("Drill faults-on-aws on " + served.endpoint + "\n")
          .contains(
              " 2. FAILED  Throttle a fifth of the requests\n      Fault injection needs the"
                  + " embedded engine; run the drill with --target local, or remove the faults"
                  + " step")
          .contains(" 3. SKIPPED Seed 10 things")
          .contains(" 4. PASSED  Drop things");
      try (DynamoDbAsyncClient client = client(served.endpoint)) {
        assertThat(client.listTables().join().tableNames()).isEmpty();
      }
    }
  }

  private static DynamoDbAsyncClient client(String endpoint) {
    return TestHttp.dynamo(URI.create(endpoint)).build();
  }
}
