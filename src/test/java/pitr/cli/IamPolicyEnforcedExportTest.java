package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;

/**
 * The commands that request or read exports (export, changes, and rollbacks planned from exports),
 * each run against the embedded engine enforcing the policy {@code pitr iam-policy} prints for it,
 * and without each of its actions (see {@link IamScenarios}).
 */
class IamPolicyEnforcedExportTest {
  @TempDir Path dir;

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "export",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> s.exportArgs(IamTestEngine.exportOf(s.engine().incident()))),
        new Scenario(
            "export --wait",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              return s.exportArgs(IamTestEngine.exportOf(s.engine().incident(), "--wait"));
            }),
        new Scenario(
            "changes",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              return s.exportArgs(IamTestEngine.changesOf(s.engine().incident()));
            }),
        new Scenario(
            "rollback --source export",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              return s.exportArgs(
                  IamTestEngine.rollbackFromExportOf(s.engine().incident(), s.state()));
            }),
        new Scenario(
            "changes --export",
            List.of(
                "--table",
                "orders",
                "--bucket",
                IamSetup.EXPORT_BUCKET,
                "--export",
                IamSetup.ANY_EXPORT),
            s -> {
              String arn = s.engine().exportMadeBefore(s.engine().incident());
              return s.readingExports(List.of("changes", "orders"), "--export", arn);
            }),
        new Scenario(
            "rollback --source export --export",
            List.of(
                "--table",
                "orders",
                "--bucket",
                IamSetup.EXPORT_BUCKET,
                "--export",
                IamSetup.ANY_EXPORT),
            s -> {
              Instant[] t = s.engine().incident();
              String arn = s.engine().exportMadeBefore(t);
              return s.readingExports(
                  IamTestEngine.rollbackFromExportOf(t, s.state()), "--export", arn);
            }),
        new Scenario(
            "migrate rollback --source export",
            List.of("--table", "cars", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              Path m = s.newCarMigrated();
              // The export of the run's window waits until 15 minutes of history follow it.
              s.engine().clock.advance(Duration.ofMinutes(20));
              return s.exportArgs(s.migrateRollback(m, "--source", "export"));
            }));
  }

  /**
   * {@code migrate rollback --source export --export ARN} calls nothing: one export is of one
   * table, and a run may have written several, so it is refused before any request, whatever the
   * policy; the policy of {@code migrate rollback --source export} (with {@code --bucket}) is the
   * one to grant.
   */
  @Test
  void migrateRollbackFromOneExport_underAPolicyAllowingNothing_isRefusedBeforeAnyCall()
      throws Exception {
    java.nio.file.Files.createDirectories(IamSetup.exports(dir).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(dir))) {
      IamSetup s = new IamSetup(engine, dir);
      Path m = s.newCarMigrated();
      engine.clock.advance(Duration.ofMinutes(20));
      String arn =
          "arn:aws:dynamodb:us-east-1:000000000000:table/cars/export/01234567890123-a1b2c3d4";
      var before = engine.admin().scan(r -> r.tableName("cars")).join().items();
      engine.serve(NOTHING_ALLOWED);

      CliRun run =
          engine.run(
              s.readingExports(s.migrateRollback(m, "--source", "export"), "--export", arn)
                  .toArray(String[]::new));

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .isEqualTo(
              "error: --export names one export of one table, and 'pitr migrate rollback' exports"
                  + " every table the run wrote from its restore point; pass --bucket BUCKET"
                  + " instead\n");
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(engine.admin().scan(r -> r.tableName("cars")).join().items())
          .containsExactlyInAnyOrderElementsOf(before);
    }
  }

  /** A policy that allows no action on any table pitr touches. */
  private static final String NOTHING_ALLOWED =
      "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:DescribeLimits\","
          + "\"Resource\":\"*\"}}";

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void command_underItsOwnPolicy_succeeds(Scenario scenario) throws Exception {
    IamScenarios.assertSucceedsUnderItsOwnPolicy(scenario, dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void command_withoutAnyOneOfItsActions_failsNamingThatPermission(Scenario scenario)
      throws Exception {
    IamScenarios.assertFailsWithoutAnyOneOfItsActions(scenario, dir);
  }
}
