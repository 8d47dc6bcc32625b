package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.iam.CommandPermissions;

/**
 * Each DynamoDB command of the IAM catalogue, run against the embedded engine enforcing the policy
 * {@code pitr iam-policy} prints for it: it succeeds under that policy, and fails, naming the
 * missing permission and the fix, under the policy without any one of its actions.
 */
class IamPolicyEnforcedTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What drill's policy (the union of what any runbook's steps call) allows that the tiny runbook
   * of the drill scenario does not call: no migration, TTL, point read, query, update or table
   * drop.
   */
  private static final List<String> DRILL_UNUSED_BY_TINY_RUNBOOK =
      List.of(
          "TABLES dynamodb:DeleteTable",
          "TABLES dynamodb:DescribeTimeToLive",
          "TABLES dynamodb:GetItem",
          "TABLES dynamodb:Query",
          "TABLES dynamodb:UpdateItem",
          "TABLES dynamodb:UpdateTimeToLive",
          "LEDGER dynamodb:ConditionCheckItem",
          "LEDGER dynamodb:CreateTable",
          "LEDGER dynamodb:DescribeTable",
          "LEDGER dynamodb:PutItem",
          "LEDGER dynamodb:Query",
          "LEDGER dynamodb:UpdateItem",
          "JOURNAL dynamodb:BatchWriteItem",
          "JOURNAL dynamodb:CreateTable",
          "JOURNAL dynamodb:DescribeTable",
          "JOURNAL dynamodb:Query",
          "JOURNAL dynamodb:UpdateItem");

  /** Set while migration 0004 of the migrate resume scenario is to fail. */
  static final String FAIL_PROPERTY = "pitr.iam-test.fail";

  /**
   * Actions of the migration API a migration may call but the example migration 0001 (set a price
   * on every car: a scan and updates) does not.
   */
  private static final Set<String> UNUSED_BY_MIGRATION_0001 =
      Set.of("dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query");

  @TempDir Path dir;

  /**
   * A command to check: its policy's name, the arguments of {@code pitr iam-policy} that name its
   * tables and options, how to set the engine up, its arguments.
   */
  record Scenario(
      String command, List<String> policyArgs, Function<Setup, List<String>> prepareAndArgs) {
    @Override
    public String toString() {
      return command;
    }
  }

  /** Any export of orders: the scenarios' exports are made after the policy is printed. */
  private static final String ANY_EXPORT =
      "arn:aws:dynamodb:us-east-1:000000000000:table/orders/export/*";

  /** The bucket exports go to: a folder of the engine's export directory. */
  static final String EXPORT_BUCKET = "exports";

  /** The engine, set up under a policy allowing everything, and a folder for state. */
  record Setup(IamTestEngine engine, Path dir) {
    /** The migration lock in pitr-ledger as a run that died would have left it. */
    void holdLock() {
      String now = Instant.now().toString();
      java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> v =
          new java.util.HashMap<>();
      for (String[] a :
          List.of(
              new String[] {":holder", "20260101T000000Z-dead00"},
              new String[] {":migration", "0001_cars_get_a_price"},
              new String[] {":operator", "someone"},
              new String[] {":host", "gone"},
              new String[] {":at", now})) {
        v.put(a[0], software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(a[1]));
      }
      engine
          .admin()
          .updateItem(
              r ->
                  r.tableName("pitr-ledger")
                      .key(
                          java.util.Map.of(
                              "pk",
                              software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                  "lock"),
                              "sk",
                              software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                  "lock")))
                      .updateExpression(
                          "SET holder = :holder, migration = :migration, #o = :operator,"
                              + " #h = :host, acquiredAt = :at, heartbeatAt = :at, expiresAt = :at")
                      .expressionAttributeNames(java.util.Map.of("#o", "operator", "#h", "host"))
                      .expressionAttributeValues(v))
          .join();
    }

    /**
     * {@code args}, then {@code source} (the bucket or the export), with export objects read from
     * the engine's export directory rather than S3 (S3 grants are checked by {@code
     * IamS3GrantsTest}).
     */
    List<String> readingExports(List<String> args, String... source) {
      List<String> all = new ArrayList<>(args);
      all.addAll(List.of(source));
      all.addAll(
          List.of(
              "--export-dir",
              IamPolicyEnforcedTest.exports(dir).toString(),
              "--export-poll-interval",
              "10ms"));
      return all;
    }

    /** {@code args} reading exports from bucket {@link #EXPORT_BUCKET}. */
    List<String> exportArgs(List<String> args) {
      return readingExports(args, "--bucket", EXPORT_BUCKET);
    }

    /**
     * {@code copy-back} from the recovery table of {@link #restored()} into orders, then {@code
     * more}, checkpointed in pitr-checkpoints.
     */
    List<String> copyBack(String... more) {
      List<String> all =
          new ArrayList<>(
              List.of("copy-back", "--from", "orders-recovery-aaa111", "--to", "orders", "--yes"));
      all.addAll(List.of(more));
      all.addAll(List.of("--checkpoint-table", "pitr-checkpoints", "--state-dir", state()));
      return all;
    }

    /** {@code runs ARGS} of the runs checkpointed in pitr-checkpoints. */
    List<String> runs(String... args) {
      List<String> all = new ArrayList<>(List.of("runs"));
      all.addAll(List.of(args));
      all.addAll(List.of("--checkpoint-table", "pitr-checkpoints", "--state-dir", state()));
      return all;
    }

    /**
     * The cars of {@link #cars(boolean)} with PITR on, migrated in prod by 0003, which inserts a
     * car (that a rollback deletes: DeleteItem) and replaces one (that it puts back: PutItem): the
     * migrations.
     */
    Path newCarMigrated() {
      Path m = cars(true);
      newCarMigration(m);
      pitr(prod("0003", m));
      RollbackTestEngine.mark();
      return m;
    }

    /** {@code migrate rollback 0003} of {@link #newCarMigrated()}, then {@code more}. */
    List<String> migrateRollback(Path m, String... more) {
      List<String> all =
          new ArrayList<>(
              List.of(
                  "migrate",
                  "rollback",
                  "0003",
                  "--yes",
                  "--migrations-dir",
                  m.toString(),
                  "--state-dir",
                  state()));
      all.addAll(List.of(more));
      return all;
    }

    /**
     * The cars of {@link #cars(boolean)} with PITR on, migrated by 0001 in prod: the migrations.
     */
    Path migrated() {
      Path m = cars(true);
      pitr(prod("0001", m));
      return m;
    }

    String state() {
      return dir.resolve("state").toString();
    }

    /** Runs pitr (allowed everything at this point) and insists it succeeds. */
    void pitr(String... args) {
      CliRun run = engine.run(args);
      assertThat(run.err()).as("setup: pitr %s", String.join(" ", args)).doesNotContain("error:");
    }

    void pitr(List<String> args) {
      pitr(args.toArray(String[]::new));
    }

    /** The incident of {@link IamTestEngine#incident()} and a recovery table as of T0. */
    Instant[] restored() {
      Instant[] t = engine.incident();
      pitr("restore", "orders", "--to", t[0].toString(), "--as", "orders-recovery-aaa111");
      return t;
    }

    /**
     * Writes migration 0003, which inserts one new car and replaces car#001, into {@code
     * migrations}.
     */
    void newCarMigration(Path migrations) {
      try {
        java.nio.file.Files.writeString(
            migrations.resolve("0003_a_new_car.java"),
            String.join(
                "\n",
                "import java.util.Map;",
                "import java.util.Set;",
                "import pitr.migrate.api.Migration;",
                "import pitr.migrate.api.MigrationContext;",
                "import reactor.core.publisher.Mono;",
                "import software.amazon.awssdk.services.dynamodb.model.AttributeValue;",
                "",
                "/** A new car. */",
                "class ANewCar implements Migration {",
                "  @Override",
                "  public Set<String> tables() {",
                "    return Set.of(\"cars\");",
                "  }",
                "",
                "  @Override",
                "  public Mono<Void> run(MigrationContext context) {",
                "    return context.table(\"cars\")",
                "        .put(Map.of(\"pk\", AttributeValue.fromS(\"car#new\")))",
                "        .then(context.table(\"cars\")",
                "            .put(Map.of(\"pk\", AttributeValue.fromS(\"car#001\"))))",
                "        .then();",
                "  }",
                "}",
                ""));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /**
     * Writes migration 0004, which marks every car seen and fails at car#003 while {@link
     * #FAIL_PROPERTY} is set, into {@code migrations}.
     */
    void failOnceMigration(Path migrations) {
      try {
        java.nio.file.Files.writeString(
            migrations.resolve("0004_fail_once.java"),
            String.join(
                "\n",
                "import java.util.Set;",
                "import pitr.migrate.api.Migration;",
                "import pitr.migrate.api.MigrationContext;",
                "import pitr.migrate.api.MigrationTable;",
                "import pitr.migrate.api.Update;",
                "import reactor.core.publisher.Mono;",
                "import software.amazon.awssdk.services.dynamodb.model.AttributeValue;",
                "",
                "/** Marks every car seen; fails at car#003 while a test asks it to. */",
                "class FailOnce implements Migration {",
                "  @Override",
                "  public Set<String> tables() {",
                "    return Set.of(\"cars\");",
                "  }",
                "",
                "  @Override",
                "  public Mono<Void> run(MigrationContext context) {",
                "    MigrationTable cars = context.table(\"cars\");",
                "    return cars.forEachItem(",
                "            car ->",
                "                System.getProperty(\"" + FAIL_PROPERTY + "\") != null",
                "                        && car.get(\"pk\").s().equals(\"car#003\")",
                "                    ? Mono.error(new IllegalStateException(\"planned failure\"))",
                "                    : cars.update(car, Update.set(\"seen\", AttributeValue.fromBool(true))))",
                "        .then();",
                "  }",
                "}",
                ""));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** A runbook whose incident, on table orders, is rolled back by time, in a few seconds. */
    Path tinyRunbook() {
      try {
        Path runbook = dir.resolve("tiny.yaml");
        java.nio.file.Files.writeString(
            runbook,
            String.join(
                "\n",
                "name: tiny",
                "description: A bad script deletes half of the orders; roll them back by time.",
                "steps:",
                "  - type: create-table",
                "    description: Create the orders table",
                "    table: orders",
                "    key: {pk: S}",
                "  - type: seed",
                "    description: Seed 10 orders",
                "    table: orders",
                "    items: 10",
                "  - type: enable-pitr",
                "    description: Turn on point-in-time recovery",
                "    table: orders",
                "  - type: snapshot",
                "    description: Record every order before the incident",
                "    table: orders",
                "    name: before",
                "  - type: mark",
                "    description: T0",
                "    name: t0",
                "  - type: traffic",
                "    id: bad",
                "    description: A bad script deletes every other order",
                "    table: orders",
                "    action: delete",
                "    every: 2",
                "  - type: rollback",
                "    description: Roll orders back to T0",
                "    table: orders",
                "    to: t0",
                "  - type: assert-unchanged",
                "    description: Every order is as before",
                "    table: orders",
                "    snapshot: before",
                ""));
        return runbook;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    Path cars(boolean pitr) {
      try {
        Path m = RollbackTestEngine.carsMigration(dir);
        pitr(
            "migrate",
            "dev",
            "0001",
            "--dry-run",
            "--migrations-dir",
            m.toString(),
            "--seed",
            Path.of("migrations", "fixtures", "cars.jsonl").toAbsolutePath().toString());
        if (pitr) {
          engine
              .admin()
              .updateContinuousBackups(
                  r ->
                      r.tableName("cars")
                          .pointInTimeRecoverySpecification(
                              p -> p.pointInTimeRecoveryEnabled(true)))
              .join();
        }
        RollbackTestEngine.mark();
        return m;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** {@code migrate prod NUMBER --yes --migrations-dir M}. */
  private static List<String> prod(String number, Path m) {
    return List.of("migrate", "prod", number, "--yes", "--migrations-dir", m.toString());
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "status",
            List.of("--table", "orders"),
            s -> {
              s.restored();
              return List.of("status", "orders");
            }),
        new Scenario(
            "restore",
            List.of("--table", "orders"),
            s -> {
              Instant[] t = s.engine().incident();
              return List.of("restore", "orders", "--to", t[0].toString());
            }),
        new Scenario(
            "diff",
            List.of("--table", "orders"),
            s -> {
              s.restored();
              return List.of("diff", "orders-recovery-aaa111", "orders");
            }),
        new Scenario(
            "copy-back",
            List.of("--table", "orders", "--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              return s.copyBack("--delete-extra");
            }),
        new Scenario(
            "drop",
            List.of("--table", "orders"),
            s -> {
              s.restored();
              return List.of("drop", "orders-recovery-aaa111", "--yes", "--state-dir", s.state());
            }),
        new Scenario(
            "rollback",
            List.of("--table", "orders"),
            s -> {
              Instant[] t = s.engine().incident();
              return List.of(
                  "rollback",
                  "orders",
                  "--to",
                  t[0].toString(),
                  "--delete-extra",
                  "--yes",
                  "--state-dir",
                  s.state());
            }),
        new Scenario(
            "runs list",
            List.of("--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              s.pitr(s.copyBack());
              return s.runs("list");
            }),
        new Scenario(
            "migrate dev",
            List.of("--table", "cars"),
            s -> {
              Path m = s.cars(false);
              return List.of("migrate", "dev", "0001", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate prod",
            List.of("--table", "cars"),
            s -> {
              return prod("0001", s.cars(true));
            }),
        new Scenario(
            "migrate resume --prod",
            List.of("--table", "cars"),
            s -> {
              Path m = s.cars(true);
              s.failOnceMigration(m);
              // 0004 fails at car#003 while the property is set: a run to resume.
              System.setProperty(FAIL_PROPERTY, "yes");
              try {
                assertThat(s.engine().run(prod("0004", m).toArray(String[]::new)).err())
                    .contains("planned failure");
              } finally {
                System.clearProperty(FAIL_PROPERTY);
              }
              RollbackTestEngine.mark();
              return List.of(
                  "migrate", "resume", "0004", "--prod", "--yes", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "drill",
            List.of("--table", "orders"),
            s -> {
              Path runbook = s.tinyRunbook();
              return List.of(
                  "drill",
                  runbook.toString(),
                  "--target",
                  "aws",
                  "--report",
                  runbook.resolveSibling("report").toString());
            }),
        new Scenario(
            "migrate list",
            List.of(),
            s -> {
              Path m = s.migrated();
              return List.of("migrate", "list", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate rollback",
            List.of("--table", "cars"),
            s -> s.migrateRollback(s.newCarMigrated())),
        new Scenario(
            "migrate rollback --source export",
            List.of("--table", "cars", "--bucket", EXPORT_BUCKET),
            s -> {
              Path m = s.newCarMigrated();
              // The export of the run's window waits until 15 minutes of history follow it.
              s.engine().clock.advance(Duration.ofMinutes(20));
              return s.exportArgs(s.migrateRollback(m, "--source", "export"));
            }),
        new Scenario(
            "runs show",
            List.of("--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              s.pitr(s.copyBack("--run-id", "run1"));
              return s.runs("show", "run1");
            }),
        new Scenario(
            "runs abandon",
            List.of("--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              // One worker of two: the run waits for the other, so it is not finished.
              s.pitr(s.copyBack("--run-id", "run1", "--worker", "1/2"));
              return s.runs("abandon", "run1", "--yes", "--force");
            }),
        new Scenario(
            "migrate unlock",
            List.of(),
            s -> {
              Path m = s.migrated();
              s.holdLock();
              return List.of("migrate", "unlock", "--yes", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate stale",
            List.of(),
            s -> {
              Path m = s.migrated();
              return List.of(
                  "migrate", "stale", "--older-than", "1s", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate stamp",
            List.of(),
            s -> {
              Path m = s.migrated();
              return List.of("migrate", "stamp", "0001", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "completion",
            List.of(),
            s -> {
              s.engine().createWithPitr("orders");
              return List.of("completion", "tables");
            }),
        new Scenario(
            "export --wait",
            List.of("--table", "orders", "--bucket", EXPORT_BUCKET),
            s -> {
              return s.exportArgs(IamTestEngine.exportOf(s.engine().incident(), "--wait"));
            }),
        new Scenario(
            "changes",
            List.of("--table", "orders", "--bucket", EXPORT_BUCKET),
            s -> {
              return s.exportArgs(IamTestEngine.changesOf(s.engine().incident()));
            }),
        new Scenario(
            "rollback --source export",
            List.of("--table", "orders", "--bucket", EXPORT_BUCKET),
            s -> {
              return s.exportArgs(
                  IamTestEngine.rollbackFromExportOf(s.engine().incident(), s.state()));
            }),
        new Scenario(
            "changes --export",
            List.of("--table", "orders", "--bucket", EXPORT_BUCKET, "--export", ANY_EXPORT),
            s -> {
              String arn = s.engine().exportMadeBefore(s.engine().incident());
              return s.readingExports(List.of("changes", "orders"), "--export", arn);
            }),
        new Scenario(
            "rollback --source export --export",
            List.of("--table", "orders", "--bucket", EXPORT_BUCKET, "--export", ANY_EXPORT),
            s -> {
              Instant[] t = s.engine().incident();
              String arn = s.engine().exportMadeBefore(t);
              return s.readingExports(
                  IamTestEngine.rollbackFromExportOf(t, s.state()), "--export", arn);
            }));
  }

  /** The scope of a statement from its Sid, e.g. RecoveryTables to RECOVERY_TABLES. */
  private static String scope(String sid) {
    return sid.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  /** The policy {@code pitr iam-policy} prints for the scenario, pinned to the engine's ARNs. */
  private static ObjectNode policy(Scenario scenario) throws Exception {
    // A "--export" variant's ARN is among the policy arguments.
    List<String> args =
        new ArrayList<>(List.of(scenario.command().replace(" --export", "").split(" ")));
    args.addAll(scenario.policyArgs());
    return IamTestEngine.printedPolicy(args);
  }

  /** The engine's export directory under {@code folder}, bucket {@link #EXPORT_BUCKET} in it. */
  static Path exports(Path folder) {
    return folder.resolve("s3");
  }

  /** Sets a new engine up for {@code scenario}, then runs it under {@code policy}. */
  private CliRun runUnder(Scenario scenario, JsonNode policy, Path folder) throws Exception {
    java.nio.file.Files.createDirectories(exports(folder).resolve(EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(exports(folder))) {
      List<String> args = scenario.prepareAndArgs().apply(new Setup(engine, folder));
      engine.serve(JSON.writeValueAsString(policy));
      return engine.run(args.toArray(String[]::new));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void command_underItsOwnPolicy_succeeds(Scenario scenario) throws Exception {
    CliRun run = runUnder(scenario, policy(scenario), dir);

    assertThat(run.err()).doesNotContain("error:").doesNotContain("Access denied");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void command_withoutAnyOneOfItsActions_failsNamingThatPermission(Scenario scenario)
      throws Exception {
    ObjectNode full = policy(scenario);
    ArrayNode statements = (ArrayNode) full.get("Statement");
    List<String> unneeded = new ArrayList<>();
    int run = 0;
    for (int s = 0; s < statements.size(); s++) {
      ArrayNode actions = (ArrayNode) statements.get(s).get("Action");
      for (int a = 0; a < actions.size(); a++) {
        String action = actions.get(a).asText();
        if (!action.startsWith("dynamodb:")) {
          // The engine enforces DynamoDB's actions; IamS3GrantsTest checks S3's.
          continue;
        }
        ObjectNode reduced = full.deepCopy();
        ArrayNode reducedActions = (ArrayNode) reduced.get("Statement").get(s).get("Action");
        reducedActions.remove(a);
        if (reducedActions.isEmpty()) {
          ((ArrayNode) reduced.get("Statement")).remove(s);
        }
        String sid = statements.get(s).get("Sid").asText();
        String scoped = scope(sid) + " " + action;
        CliRun result = runUnder(scenario, reduced, dir.resolve("run" + run++));
        if (!result.err().contains("error:")) {
          if (!CommandPermissions.optional(scenario.command()).containsKey(scoped)) {
            unneeded.add(scoped);
          }
          continue;
        }
        assertThat(result.err())
            .as("%s without %s on %s", scenario.command(), action, sid)
            .contains(action)
            .containsAnyOf("pitr iam-policy " + scenario.command(), "grant " + action);
      }
    }
    if (scenario.command().startsWith("migrate dev")
        || scenario.command().startsWith("migrate prod")
        || scenario.command().startsWith("migrate resume")) {
      unneeded.removeIf(
          u -> u.startsWith("TABLES ") && UNUSED_BY_MIGRATION_0001.contains(u.substring(7)));
    }
    if (scenario.command().equals("drill")) {
      assertThat(unneeded)
          .as("actions the tiny runbook ran without")
          .containsExactlyInAnyOrderElementsOf(DRILL_UNUSED_BY_TINY_RUNBOOK);
      return;
    }
    assertThat(unneeded).as("actions the command ran without").isEmpty();
  }
}
