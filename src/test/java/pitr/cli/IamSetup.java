package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine of an enforced-IAM scenario, set up under a policy allowing everything, a folder for
 * state, and the environment the command runs with (e.g. endpoints of a stand-in for AWS Batch; the
 * process's when empty): the tables, migrations, runs and exports a command needs before it runs
 * under its own policy.
 */
record IamSetup(IamTestEngine engine, Path dir, java.util.Map<String, String> env) {
  /** With no environment of its own: the command runs with the process's. */
  IamSetup(IamTestEngine engine, Path dir) {
    this(engine, dir, new java.util.HashMap<>());
  }

  /** Set while migration 0004 of the migrate resume scenarios is to fail. */
  static final String FAIL_PROPERTY = "pitr.iam-test.fail";

  /** The bucket exports go to: a folder of the engine's export directory. */
  static final String EXPORT_BUCKET = "exports";

  /** Any export of orders: the scenarios' exports are made after the policy is printed. */
  static final String ANY_EXPORT = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/export/*";

  /** The engine's export directory under {@code folder}, bucket {@link #EXPORT_BUCKET} in it. */
  static Path exports(Path folder) {
    return folder.resolve("s3");
  }

  /** {@code migrate prod NUMBER --yes --migrations-dir M}. */
  static List<String> prod(String number, Path m) {
    return List.of("migrate", "prod", number, "--yes", "--migrations-dir", m.toString());
  }

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
   * {@code args}, then {@code source} (the bucket or the export), with export objects read from the
   * engine's export directory rather than S3 (S3 grants are checked by {@code IamS3GrantsTest}).
   */
  List<String> readingExports(List<String> args, String... source) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(source));
    all.addAll(List.of("--export-dir", exports(dir).toString(), "--export-poll-interval", "10ms"));
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
   * The cars of {@link #cars(boolean)} with PITR on, migrated in prod by 0003, which inserts a car
   * (that a rollback deletes: DeleteItem) and replaces one (that it puts back: PutItem): the
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

  /** The cars of {@link #cars(boolean)} with PITR on, migrated by 0001 in prod: the migrations. */
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
   * Writes migration 0003, which inserts one new car and replaces car#001, into {@code migrations}.
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
   * Migration 0004 written into {@code migrations} and run with {@code run} (e.g. {@code migrate
   * prod 0004 --yes}): it fails at car#003, leaving a run to resume.
   */
  void failedRun(Path migrations, List<String> run) {
    failOnceMigration(migrations);
    System.setProperty(FAIL_PROPERTY, "yes");
    try {
      assertThat(engine.run(run.toArray(String[]::new)).err()).contains("planned failure");
    } finally {
      System.clearProperty(FAIL_PROPERTY);
    }
    RollbackTestEngine.mark();
  }

  /** The id of the one migration run in pitr-ledger, as {@code runs list} shows it. */
  String migrationRunId() {
    CliRun run =
        engine.run("runs", "list", "--ledger-table", "pitr-ledger", "--state-dir", state());
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]+").matcher(run.out());
    assertThat(id.find()).as("a migration run in: %s", run.out()).isTrue();
    return id.group();
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
                        .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
            .join();
      }
      RollbackTestEngine.mark();
      return m;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
