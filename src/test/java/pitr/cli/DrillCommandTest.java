package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

class DrillCommandTest {
  @TempDir Path dir;

  private static Document xml(Path html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(html.toFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rollback-bad-migration", "full-table-restore", "drill-under-throttling"})
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
        .isEqualTo(2);
    assertThat(html.getDocumentElement().getTextContent())
        .contains("Recovery time (start of recovery to verified)")
        .contains("WCU used");
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
            "error: Drill wrong failed: 1 steps failed (step 3); see "
                + report.resolve("report.html"));
    assertThat(Files.readString(report.resolve("report.md")))
        .startsWith("# Drill wrong: FAILED: 1 of 4 steps failed")
        .contains("- Step 3 (Expect 11 items): things holds 10 items, expected 11");
    assertThat(
            xml(report.resolve("report.html")).getElementsByTagName("li").item(0).getTextContent())
        .isEqualTo("Step 3 (Expect 11 items): things holds 10 items, expected 11");
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
}
