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
  void load_withMissingField_namesTheField() throws IOException {
    Path file =
        write(
            """
            name: demo
            description: A demo
            steps:
              - type: drop
                description: Drop it
            """);

    assertThatThrownBy(() -> RunbookLoader.load(file))
        .hasMessageMatching("Runbook .* at line \\d+, column \\d+: missing field 'table'; add it");
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
}
