package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Migration runs that fail, and what each says to do next: a prod run names the exact commands that
 * continue it and preview its rollback (and the pasted command finishes it once the cause is
 * fixed); a dry run says it wrote nothing; a run on the in-process engine, whose tables end with
 * the command, says there is nothing to resume.
 */
class MigrateFailureCliTest extends MigrateEngineFixture {

  @Test
  void prod_failingPartWay_namesTheWholeResumeCommand_whichFinishesTheRunOnceFixed()
      throws Exception {
    Path m = migrations();
    Path broken = Files.createFile(dir.resolve("c3-is-broken"));
    writeMarkSeen(m, broken);
    fiveCars();
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "prod",
            "0003",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).as(run.err()).isEqualTo(1);
    String where = " --migrations-dir " + m + " --endpoint-url " + endpoint;
    assertThat(run.err())
        .containsPattern(
            "Migration 0003_mark_seen failed in run \\S+: IllegalStateException: car c3 has no"
                + " owner; its writes so far are journaled\\. Fix the cause, then continue it"
                + " with: ")
        .contains(
            "continue it with: pitr migrate resume 0003_mark_seen --prod"
                + where
                + " (or see what undoing it would restore with: pitr migrate rollback"
                + " 0003_mark_seen --dry-run"
                + where
                + ")");

    Files.delete(broken);
    Matcher resume =
        Pattern.compile("Fix the cause, then continue it with: pitr ([^(\\n]+) \\(")
            .matcher(run.err());
    assertThat(resume.find()).isTrue();
    List<String> args = new ArrayList<>(Arrays.asList(resume.group(1).split(" ")));
    args.add("--yes");
    CliRun resumed = new CliRun();

    assertThat(resumed.execute(args.toArray(String[]::new))).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("Migration 0003_mark_seen succeeded in prod (run ");
    for (int i = 1; i <= 5; i++) {
      String pk = "c" + i;
      assertThat(
              client
                  .getItem(r -> r.tableName("cars").key(Map.of("pk", AttributeValue.fromS(pk))))
                  .join()
                  .item())
          .as(pk)
          .containsEntry("seen", AttributeValue.fromBool(true));
    }
  }

  /**
   * {@code real}, except that once {@code n} updates of table cars have landed, every call fails as
   * a lost connection does: the target went away mid-run, ledger and journal included.
   */
  private static DynamoDbAsyncClient unreachableAfter(DynamoDbAsyncClient real, int n) {
    AtomicInteger updates = new AtomicInteger();
    InvocationHandler h =
        (proxy, method, args) -> {
          if (args != null && args.length == 1 && updates.get() >= n) {
            return CompletableFuture.failedFuture(
                SdkClientException.builder()
                    .message("Unable to execute HTTP request: Connection refused")
                    .cause(new ConnectException("Connection refused"))
                    .build());
          }
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (args != null
              && args.length == 1
              && args[0] instanceof UpdateItemRequest u
              && u.tableName().equals("cars")) {
            return ((CompletableFuture<?>) result)
                .whenComplete((r, e) -> updates.incrementAndGet());
          }
          return result;
        };
    return (DynamoDbAsyncClient)
        Proxy.newProxyInstance(
            MigrateFailureCliTest.class.getClassLoader(),
            new Class<?>[] {DynamoDbAsyncClient.class},
            h);
  }

  @Test
  void run_losingTheTargetPartWay_namesItsResume_andANewRunIsRefusedUntilItIsResumed()
      throws Exception {
    Path m = migrations();
    writeMarkSeen(m, dir.resolve("never-broken"));
    fiveCars();
    String[] dev = {
      "migrate", "dev", "0003", "--migrations-dir", m.toString(), "--endpoint-url", endpoint
    };
    CliRun run = new CliRun();
    run.migrate().clients = c -> unreachableAfter(c, 2);
    // Retried twice within milliseconds, not eight times over seconds as a real run is.
    run.migrate().retry =
        pitr.dynamo.Throttling.retry(
            2,
            java.time.Duration.ofMillis(1),
            java.time.Duration.ofMillis(5),
            reactor.core.scheduler.Schedulers.parallel());

    int code = run.execute(dev);

    assertThat(code).as(run.err()).isEqualTo(1);
    // Whichever call meets the lost connection first (the migration's write, or the ledger's or
    // journal's), the error names the run's resume in full.
    assertThat(run.err())
        .containsPattern(
            "error: (Run \\S+ of 0003_mark_seen did not finish|Migration 0003_mark_seen failed)")
        .contains("Connection refused")
        .containsPattern(
            "continue it with: pitr migrate resume 0003_mark_seen --migrations-dir "
                + Pattern.quote(m.toString())
                + " --endpoint-url "
                + Pattern.quote(endpoint)
                + " \\((a new run would apply|or see what undoing)");

    // Once its lock has lapsed, running it again as new is refused: the run must be continued.
    CliRun again = CliRun.anHourLater();
    assertThat(again.execute(dev)).as(again.err()).isEqualTo(3);
    assertThat(again.err())
        .contains("Migration 0003_mark_seen has an unfinished run: ")
        .contains("Continue it with 'pitr migrate resume 0003_mark_seen'")
        .contains("add --new-run. Nothing was written.");

    CliRun resumed = CliRun.anHourLater();
    assertThat(
            resumed.execute(
                "migrate",
                "resume",
                "0003",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                endpoint))
        .as(resumed.err())
        .isZero();
    for (int i = 1; i <= 5; i++) {
      String pk = "c" + i;
      assertThat(
              client
                  .getItem(r -> r.tableName("cars").key(Map.of("pk", AttributeValue.fromS(pk))))
                  .join()
                  .item())
          .as(pk)
          .containsEntry("seen", AttributeValue.fromBool(true));
    }
  }

  /**
   * Migration 0003_mark_seen: marks every car seen, and fails on car c3 while {@code broken}
   * exists.
   */
  private static void writeMarkSeen(Path m, Path broken) throws Exception {
    Files.writeString(
        m.resolve("0003_mark_seen.java"),
        """
        import java.nio.file.Files;
        import java.nio.file.Path;
        import java.util.Set;
        import pitr.migrate.api.Migration;
        import pitr.migrate.api.MigrationContext;
        import pitr.migrate.api.MigrationTable;
        import pitr.migrate.api.Update;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Marks every car seen; car c3 fails while a marker file exists. */
        class MarkSeen implements Migration {
          @Override
          public Set<String> tables() {
            return Set.of("cars");
          }

          @Override
          public Mono<Void> run(MigrationContext context) {
            MigrationTable cars = context.table("cars");
            return cars.forEachItem(
                    car -> {
                      if (car.get("pk").s().equals("c3") && Files.exists(Path.of("%s"))) {
                        return Mono.error(new IllegalStateException("car c3 has no owner"));
                      }
                      return cars.update(car, Update.set("seen", AttributeValue.fromBool(true)));
                    })
                .then();
          }
        }
        """
            .formatted(broken.toString().replace("\\", "\\\\")));
  }

  /** Cars c1-c5 in table cars, with PITR on. */
  private void fiveCars() {
    createCars();
    enableCarsPitr();
    for (int i = 1; i <= 5; i++) {
      String pk = "c" + i;
      client.putItem(r -> r.tableName("cars").item(Map.of("pk", AttributeValue.fromS(pk)))).join();
    }
  }

  @Test
  void devDryRun_failing_saysItWroteNothing_andNamesTheCause() throws Exception {
    Path m = migrations();
    writeMarkSeen(m, Files.createFile(dir.resolve("c3-is-broken")));
    fiveCars();
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "dev",
            "0003",
            "--dry-run",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "error: The dry run of migration 0003_mark_seen failed: IllegalStateException: car c3"
                + " has no owner; it wrote nothing. Fix the cause and run the dry run again\n");
    assertThat(client.scan(r -> r.tableName("cars")).join().items())
        .allSatisfy(i -> assertThat(i).doesNotContainKey("seen"));
  }

  @Test
  void dev_failingOnTheInProcessEngine_saysThereIsNothingToResume() throws Exception {
    Path m = migrations();
    writeMarkSeen(m, Files.createFile(dir.resolve("c3-is-broken")));
    Path fixture = dir.resolve("cars.jsonl");
    Files.writeString(
        fixture,
        "{\"table\": \"cars\", \"key\": {\"pk\": \"S\"}}\n"
            + "{\"table\": \"cars\", \"item\": {\"pk\": {\"S\": \"c3\"}}}\n");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "dev",
            "0003",
            "--migrations-dir",
            m.toString(),
            "--seed",
            fixture.toString());

    assertThat(code).isEqualTo(1);
    assertThat(run.err())
        .containsPattern(
            "error: Migration 0003_mark_seen failed in run \\S+ on the in-process engine:"
                + " IllegalStateException: car c3 has no owner\\. That engine and its tables end"
                + " with this command, so there is nothing to resume or roll back: fix the cause"
                + " and run it again \\(--seed starts from the fixture again\\), or run it"
                + " against 'pitr local serve' \\(--endpoint-url\\) to keep the tables between"
                + " commands\n")
        .doesNotContain("migrate resume");
  }

  @Test
  void unlock_ofAProdRunsLock_namesTheResumeOfAProdRun() throws Exception {
    Path m = migrations();
    writeMarkSeen(m, Files.createFile(dir.resolve("c3-is-broken")));
    fiveCars();
    CliRun failed = new CliRun();
    failed.execute(
        "migrate",
        "prod",
        "0003",
        "--yes",
        "--migrations-dir",
        m.toString(),
        "--endpoint-url",
        endpoint);
    Matcher id = Pattern.compile("failed in run (\\S+):").matcher(failed.err());
    assertThat(id.find()).as(failed.err()).isTrue();
    // As a killed run leaves it: the lock still names the run.
    Map<String, AttributeValue> lock =
        RollbackTestEngine.lockItem(
            id.group(1),
            "0003_mark_seen",
            "bob",
            "box2",
            java.time.Instant.parse("2026-01-01T00:00:00Z"),
            java.time.Instant.parse("2026-01-01T00:00:30Z"),
            java.time.Instant.parse("2099-01-01T00:00:00Z"));
    client.putItem(r -> r.tableName("pitr-ledger").item(lock)).join();
    CliRun unlock = new CliRun();

    int code =
        unlock.execute(
            "migrate",
            "unlock",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).as(unlock.err()).isZero();
    assertThat(unlock.out())
        .contains(
            "; resume it with: pitr migrate resume 0003_mark_seen --prod --migrations-dir "
                + m
                + " --endpoint-url "
                + endpoint
                + ", or see what rolling it back would restore with:");
  }
}
