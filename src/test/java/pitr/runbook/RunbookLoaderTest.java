package pitr.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;

class RunbookLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("drill.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void load_readsStepsInOrderWithTheEmbeddedEngineAsDefaultTarget() throws IOException {
    Runbook runbook =
        RunbookLoader.load(
            write(
                """
                name: demo
                description: A demo
                steps:
                  - type: create-table
                    description: Create table t
                    table: t
                    key: {pk: S}
                  - type: mark
                    description: Note the time
                    name: t0
                  - type: rollback
                    description: Roll back
                    table: t
                    to: t0
                    delete-extra: true
                """));

    assertThat(runbook.target()).isEqualTo("local");
    assertThat(runbook.steps())
        .extracting(Step::type)
        .containsExactly("create-table", "mark", "rollback");
    assertThat(((Step.Rollback) runbook.steps().get(2)).deleteExtra()).isTrue();
  }

  @Test
  void load_withUnknownStepType_namesFileLineAndColumn() throws IOException {
    Path file =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: explode
                description: Boom
            """);

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith("Runbook " + file + " at line 4, column")
        .hasMessageContaining("unknown step type 'explode'; use one of create-table, seed")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
  }

  @Test
  void load_withAMistypedStepTypeOrField_suggestsTheNearestOne() throws IOException {
    Path type =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: create-tabel
                description: Boom
            """);
    assertThatThrownBy(() -> RunbookLoader.load(type))
        .hasMessageContaining(
            "unknown step type 'create-tabel' (did you mean create-table?); use one of");

    Path field =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: seed
                description: Seed it
                tabel: t
                items: 10
            """);
    assertThatThrownBy(() -> RunbookLoader.load(field))
        .hasMessageContaining("unknown field 'tabel' (did you mean table?); this step takes");
  }

  @Test
  void load_withMissingField_namesTheField() throws IOException {
    Path file =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: drop
                description: Drop it
                table: orders
              - type: drop
                description: Drop it again
            """);

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .hasMessageMatching(
            "Runbook .*, step 2 \\(ending at line 9\\): missing field 'table'; add it");
  }

  @Test
  void load_withBadYaml_namesLineAndColumn() throws IOException {
    Path file = write("name: demo\ndescription: [unclosed\nsteps: []\n");

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .hasMessageMatching("(?s)Runbook .* at line \\d+, column \\d+: .*");
  }

  @Test
  void load_withUnknownField_listsTheFieldsTheStepTakes() throws IOException {
    Path file =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: drop
                description: Drop it
                table: t
                colour: red
            """);

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .hasMessageContaining("line 7, column")
        .hasMessageContaining("unknown field 'colour'");
  }

  @Test
  void load_withRollbackToAnUnknownMark_saysWhichStep() throws IOException {
    Path file =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: rollback
                description: Roll back
                table: t
                to: nowhere
            """);

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .hasMessageContaining(
            "step 1 (rollback): to 'nowhere' is neither an earlier mark nor an ISO-8601 instant");
  }

  @Test
  void load_withTheIncidentEndingBeforeTo_saysToSwapThem() throws IOException {
    Path file =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: mark
                description: The incident ends
                name: end
              - type: mark
                description: Before the bad change
                name: before
              - type: rollback
                description: Roll back
                table: t
                to: before
                incident-end: end
              - type: rollback
                description: Roll back by instants
                table: t
                to: 2026-11-30T12:10:00Z
                incident-end: 2026-11-30T12:00:00Z
            """);

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Runbook "
                + file
                + " is not valid:\n"
                + "  step 3 (rollback): incident-end 'end' is not after to 'before'; the incident"
                + " ends after the instant to go back to, so swap them\n"
                + "  step 4 (rollback): incident-end '2026-11-30T12:00:00Z' is not after to"
                + " '2026-11-30T12:10:00Z'; the incident ends after the instant to go back to, so"
                + " swap them");
  }

  @Test
  void load_withRollbacksWhoseSourceCannotWork_namesEachStepAndTheFix() throws IOException {
    Path file =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: mark
                description: Before the bad change
                name: t0
              - type: mark
                description: The incident ends
                name: t1
              - type: rollback
                description: Roll back from a snapshot
                table: t
                to: t0
                source: snapshot
              - type: rollback
                description: Roll back from an export without its end or bucket
                table: t
                to: t0
                source: export
              - type: rollback
                description: Roll back through restores with a bucket
                table: t
                to: t0
                incident-end: t1
                bucket: b
              - type: rollback
                description: Roll back from an export, blanking conflicts
                table: t
                to: t0
                incident-end: t1
                source: export
                bucket: b
                on-conflict: blank
            """);

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Runbook "
                + file
                + " is not valid:\n"
                + "  step 3 (rollback): source 'snapshot' is not restore or export\n"
                + "  step 4 (rollback): source: export needs incident-end, as the export of [to,"
                + " incident-end) says what the incident changed; add it, or use source: restore\n"
                + "  step 4 (rollback): source: export needs bucket, the S3 bucket to export to (on"
                + " the embedded engine any name, e.g. drill-exports)\n"
                + "  step 5 (rollback): bucket and prefix are for source: export; add it, or drop"
                + " them to roll back through restores\n"
                + "  step 6 (rollback): on-conflict 'blank' is not skip or overwrite");
  }

  @Test
  void load_ofTheShippedRollbackViaExportRunbook_readsBothRecoveryPaths() {
    Runbook r = RunbookLoader.load(Path.of("runbooks/rollback-via-export.yaml"));

    assertThat(r.steps())
        .filteredOn(s -> s instanceof Step.Rollback)
        .map(s -> ((Step.Rollback) s).fromExport())
        .containsExactly(false, true);
    assertThat(DrillChecklist.of(r).toString())
        .contains(
            "pitr rollback orders-export --to $t0 --incident-end $t1 --source export --bucket"
                + " drill-exports --prefix rollback-via-export --plan rollback-plan.jsonl");
  }

  @Test
  void load_ofAFolder_namesARunbookFileToPass() {
    assertThatThrownBy(() -> RunbookLoader.load(dir))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Runbook "
                + dir
                + " is a folder; name a runbook file such as"
                + " runbooks/rollback-bad-migration.yaml");
  }

  @Test
  void load_ofAMissingFile_namesItAndTheFix() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> RunbookLoader.load(missing))
        .hasMessageStartingWith(
            "Runbook "
                + missing
                + " does not exist; name a runbook file such as"
                + " runbooks/rollback-bad-migration.yaml, or a name from runbooks/ (")
        .hasMessageContaining("rollback-bad-migration");
  }

  @Test
  void load_withAValueOfTheWrongKind_saysWhatTheFieldMustBe_inYamlTerms() throws IOException {
    Path steps = write("name: demo\ndescription: A demo\nsteps: 3\n");

    assertThatThrownBy(() -> RunbookLoader.load(steps))
        .hasMessage(
            "Runbook "
                + steps
                + " at line 3, column 8: field 'steps' must be a list (lines starting with '- ');"
                + " runbooks/rollback-bad-migration.yaml shows a runbook that loads");
    Path list = write("- name: demo\n");
    assertThatThrownBy(() -> RunbookLoader.load(list))
        .hasMessage(
            "Runbook "
                + list
                + " at line 1, column 1: a runbook must be a mapping (key: value lines);"
                + " runbooks/rollback-bad-migration.yaml shows a runbook that loads");
  }
}
