package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import pitr.migrate.api.RunMode;

class HeaderStampTest {
  private static final String SOURCE =
      """
      import pitr.migrate.api.Migration;

      /**
       * Cars get a price.
       *
       * Execution Time: (not run yet)
       * Finalization Time: (not run yet)
       */
      class CarsGetAPrice implements Migration {}
      """;

  private static RunRecord run(String started, String finished, MigrationState status) {
    return RunRecord.starting("r-" + started, "0001_x", "c", RunMode.PROD)
        .by("ann", "box")
        .status(status)
        .startedAt(Instant.parse(started))
        .finishedAt(finished == null ? null : Instant.parse(finished))
        .tables(List.of("cars"))
        .fence(1)
        .journal("pitr-journal", 16)
        .build();
  }

  @Test
  void stamp_replacesThePlaceholders_withThePairOfTheSucceededRun() {
    String out =
        HeaderStamp.stamp(
            "0001_x",
            SOURCE,
            List.of(
                run("2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z", MigrationState.SUCCEEDED),
                run("2026-01-02T10:00:00Z", null, MigrationState.FAILED)));

    assertThat(out)
        .isEqualTo(
            """
            import pitr.migrate.api.Migration;

            /**
             * Cars get a price.
             *
             * Execution Time: 2026-01-01T10:00:00Z
             * Finalization Time: 2026-01-01T10:05:00Z
             */
            class CarsGetAPrice implements Migration {}
            """);
  }

  @Test
  void stamp_ofARerun_appendsANewPair_andNeverDuplicatesOne() {
    RunRecord first = run("2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z", MigrationState.SUCCEEDED);
    RunRecord second =
        run("2026-02-01T10:00:00Z", "2026-02-01T10:07:00Z", MigrationState.SUCCEEDED);
    String once = HeaderStamp.stamp("0001_x", SOURCE, List.of(first));

    String twice = HeaderStamp.stamp("0001_x", once, List.of(first, second));

    assertThat(twice)
        .contains(
            " * Execution Time: 2026-01-01T10:00:00Z\n"
                + " * Finalization Time: 2026-01-01T10:05:00Z\n"
                + " * Execution Time: 2026-02-01T10:00:00Z\n"
                + " * Finalization Time: 2026-02-01T10:07:00Z\n"
                + " */\n");
    assertThat(HeaderStamp.stamp("0001_x", twice, List.of(first, second))).isEqualTo(twice);
    assertThat(MigrationCompiler.sourceChecksum(twice))
        .isEqualTo(MigrationCompiler.sourceChecksum(SOURCE));
  }

  @Test
  void stamp_opensAOneLineJavadoc() {
    String out =
        HeaderStamp.stamp(
            "0001_x",
            "/** Cars get a price. */\nclass A {}\n",
            List.of(run("2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z", MigrationState.SUCCEEDED)));

    assertThat(out)
        .isEqualTo(
            "/**\n * Cars get a price.\n * Execution Time: 2026-01-01T10:00:00Z\n"
                + " * Finalization Time: 2026-01-01T10:05:00Z\n */\nclass A {}\n");
  }

  @Test
  void stamp_withoutAClassJavadoc_saysWhatToAdd() {
    assertThatThrownBy(() -> HeaderStamp.stamp("0001_x", "class A {}\n", List.of()))
        .hasMessage(
            "Migration 0001_x has no Javadoc comment on its class to stamp; add one ('/** What it"
                + " does. */') above the class and rerun");
  }
}
