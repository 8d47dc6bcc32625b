package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A run that never heard whether a write landed still rolls back completely: the write was
 * journaled as an intent before it was sent, and {@code pitr migrate rollback} restores the item
 * that holds the intended image.
 */
class MigrateCrashRollbackTest {
  @TempDir Path dir;

  private final LocalEngine engine =
      LocalEngine.create(EngineConfig.defaults().withRestoreLag(Duration.ZERO));
  private final LocalServer server = LocalServer.start(engine, "127.0.0.1", 0);
  private final String endpoint = server.endpoint().toString();
  private final DynamoDbAsyncClient client =
      DynamoDbAsyncClient.builder()
          .endpointOverride(server.endpoint())
          .region(Region.US_EAST_1)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
          .build();

  @AfterEach
  void stop() {
    client.close();
    server.close();
    engine.close();
  }

  private Map<String, Map<String, AttributeValue>> cars() {
    Map<String, Map<String, AttributeValue>> out = new TreeMap<>();
    client.scan(r -> r.tableName("cars")).join().items().forEach(i -> out.put(i.get("pk").s(), i));
    return out;
  }

  /**
   * Copies the cars migration into a folder of its own, seeds its fixture on the served engine and
   * turns PITR on for cars; returns the migrations folder.
   */
  private Path seededCarsWithPitr() throws Exception {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.copy(
        Path.of("migrations", "0001_cars_get_a_price.java"),
        m.resolve("0001_cars_get_a_price.java"));
    CliRun seed = new CliRun();
    assertThat(
            seed.execute(
                "migrate",
                "dev",
                "0001",
                "--dry-run",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                endpoint,
                "--seed",
                Path.of("migrations", "fixtures", "cars.jsonl").toAbsolutePath().toString()))
        .as(seed.err())
        .isZero();
    client
        .updateContinuousBackups(
            r ->
                r.tableName("cars")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
    return m;
  }

  /** The real client, except that the answer to the {@code n}th update of cars to land is lost. */
  private static DynamoDbAsyncClient losingAnswer(DynamoDbAsyncClient real, int n) {
    AtomicInteger updates = new AtomicInteger();
    InvocationHandler h =
        (proxy, method, args) -> {
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
                .thenCompose(
                    landed ->
                        updates.incrementAndGet() == n
                            ? CompletableFuture.failedFuture(
                                SdkClientException.create("the answer to this write was lost"))
                            : CompletableFuture.completedFuture(landed));
          }
          return result;
        };
    return (DynamoDbAsyncClient)
        Proxy.newProxyInstance(
            MigrateCrashRollbackTest.class.getClassLoader(),
            new Class<?>[] {DynamoDbAsyncClient.class},
            h);
  }

  @Test
  void rollback_ofARunThatLostTheAnswerToAWrite_restoresThatItemToo() throws Exception {
    Path m = seededCarsWithPitr();
    Map<String, Map<String, AttributeValue>> before = cars();
    CliRun dev = new CliRun();
    MigrateCommand migrate = dev.commandLine.getSubcommands().get("migrate").getCommand();
    migrate.clients = c -> losingAnswer(c, 3);

    int devCode =
        dev.execute(
            "migrate", "dev", "0001", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);

    assertThat(devCode).as(dev.out()).isEqualTo(1);
    assertThat(dev.err()).contains("the answer to this write was lost");
    Map<String, Map<String, AttributeValue>> migrated = cars();
    long priced =
        migrated.keySet().stream()
            .filter(
                k -> !before.get(k).containsKey("price") && migrated.get(k).containsKey("price"))
            .count();
    // At least the first three updates landed, the one whose answer was lost included.
    assertThat(priced).isGreaterThanOrEqualTo(3);

    CliRun rollback = new CliRun();
    int code =
        rollback.execute(
            "migrate",
            "rollback",
            "0001",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).as(rollback.err() + rollback.out()).isZero();
    assertThat(cars()).isEqualTo(before);
  }

  @Test
  void rollback_ofARunWhoseProcessWasKilled_takesTheExpiredLockAndRestoresEveryItem()
      throws Exception {
    Path m = seededCarsWithPitr();
    Map<String, Map<String, AttributeValue>> before = cars();

    // A real process, paced to about one write a second, killed with SIGKILL after its first
    // write: its run stays RUNNING in the ledger and its lock stays taken until the lease runs out.
    java.util.List<String> command =
        ChildJvm.pitr(
            "migrate",
            "dev",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint,
            "--max-wcu",
            "1");
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (priced(before) == 0 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    long priced = priced(before);
    assertThat(priced)
        .as(Files.readString(dir.resolve("child.log")))
        .isBetween(1L, (long) before.size() - 1);

    CliRun rollback = new CliRun();
    MigrateCommand migrate = rollback.commandLine.getSubcommands().get("migrate").getCommand();
    // An hour later, as an operator would come to it: the dead run's lease has run out.
    migrate.clock = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(1));
    int code =
        rollback.execute(
            "migrate",
            "rollback",
            "0001",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).as(rollback.err() + rollback.out()).isZero();
    assertThat(cars()).isEqualTo(before);
    CliRun list = new CliRun();
    assertThat(
            list.execute(
                "migrate", "list", "--migrations-dir", m.toString(), "--endpoint-url", endpoint))
        .isZero();
    assertThat(list.out())
        .contains("0001_cars_get_a_price                rolled_back")
        .contains("before the rollback: lease expired")
        .doesNotContain("resume it");
  }

  private long priced(Map<String, Map<String, AttributeValue>> before) {
    Map<String, Map<String, AttributeValue>> now = cars();
    return now.keySet().stream()
        .filter(k -> !before.get(k).containsKey("price") && now.get(k).containsKey("price"))
        .count();
  }
}
