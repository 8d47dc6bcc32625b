package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A run that never heard whether a write landed still rolls back completely: the write was
 * journaled as an intent before it was sent, and {@code pitr migrate rollback} restores the item
 * that holds the intended image.
 */
class MigrateCrashRollbackTest extends MigrateProcessFixture {
  /** The cars migration in a folder of its own, its fixture seeded and PITR on for cars. */
  private Path seededCarsWithPitr() throws Exception {
    Path m = RollbackTestEngine.carsMigration(dir);
    local.seedCarsWithPitr(m);
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

  /** Runs {@code migrate rollback 0001 --yes} of the migrations in {@code m} on the engine. */
  private int rollBack(CliRun run, Path m) {
    return run.execute(
        "migrate",
        "rollback",
        "0001",
        "--yes",
        "--migrations-dir",
        m.toString(),
        "--endpoint-url",
        endpoint);
  }

  @Test
  void rollback_ofARunThatLostTheAnswerToAWrite_restoresThatItemToo() throws Exception {
    Path m = seededCarsWithPitr();
    Map<String, Map<String, AttributeValue>> before = local.cars();
    CliRun dev = new CliRun();
    MigrateCommand migrate = dev.migrate();
    migrate.clients = c -> losingAnswer(c, 3);

    int devCode =
        dev.execute(
            "migrate", "dev", "0001", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);

    assertThat(devCode).as(dev.out()).isEqualTo(1);
    assertThat(dev.err()).contains("the answer to this write was lost");
    Map<String, Map<String, AttributeValue>> migrated = local.cars();
    long priced =
        migrated.keySet().stream()
            .filter(
                k -> !before.get(k).containsKey("price") && migrated.get(k).containsKey("price"))
            .count();
    // At least the first three updates landed, the one whose answer was lost included.
    assertThat(priced).isGreaterThanOrEqualTo(3);

    CliRun rollback = new CliRun();
    int code = rollBack(rollback, m);

    assertThat(code).as(rollback.err() + rollback.out()).isZero();
    assertThat(local.cars()).isEqualTo(before);
  }

  @Test
  void rollback_ofARunWhoseProcessWasKilled_takesTheExpiredLockAndRestoresEveryItem()
      throws Exception {
    Path m = seededCarsWithPitr();
    Map<String, Map<String, AttributeValue>> before = local.cars();

    // A real process, paced to about one write a second, killed with SIGKILL after its first
    // write: its run stays RUNNING in the ledger and its lock stays taken until the lease runs out.
    Child child = migrateDevInChild(m, "1");
    long priced = child.killWhen(() -> priced(before), 1);
    assertThat(priced).as(child.output()).isBetween(1L, (long) before.size() - 1);

    CliRun rollback = CliRun.anHourLater();
    int code = rollBack(rollback, m);

    assertThat(code).as(rollback.err() + rollback.out()).isZero();
    assertThat(local.cars()).isEqualTo(before);
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
    Map<String, Map<String, AttributeValue>> now = local.cars();
    return now.keySet().stream()
        .filter(k -> !before.get(k).containsKey("price") && now.get(k).containsKey("price"))
        .count();
  }
}
