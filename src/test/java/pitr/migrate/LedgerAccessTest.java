package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.AdjustableClock;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** An identity without access to the ledger table: the run stops before writing anything. */
class LedgerAccessTest {
  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);

  @AfterEach
  void stop() {
    local.close();
  }

  /** The real client, except that creating the ledger table is denied, as IAM would. */
  private DynamoDbAsyncClient deniedOnLedger() {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (args != null
              && args.length == 1
              && args[0] != null
              && args[0].toString().contains("pitr-ledger")) {
            return CompletableFuture.failedFuture(
                DynamoDbException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder()
                            .errorCode("AccessDeniedException")
                            .errorMessage(
                                "User: arn:aws:iam::1:user/ann is not authorized to perform:"
                                    + " dynamodb:CreateTable on resource: pitr-ledger")
                            .build())
                    .build());
          }
          try {
            return method.invoke(local.client, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (DynamoDbAsyncClient)
        Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {DynamoDbAsyncClient.class}, h);
  }

  @Test
  void run_withoutLedgerPermissions_refusesNamingTheTableAndTheFix_andWritesNothing() {
    local.createTable("things", "pk");
    local.put("things", Map.of("pk", AttributeValue.fromS("a")));
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));
    MigrationEnvironment env = MigrationTestTarget.environment(deniedOnLedger(), clock);

    assertThatThrownBy(
            () ->
                MigrationTestTarget.runner(env, dir)
                    .run(RunRequest.of(f, RunMode.DEV, "ann", "box"))
                    .block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Access denied: dynamodb:CreateTable on the ledger table pitr-ledger (User:"
                + " arn:aws:iam::1:user/ann is not authorized to perform: dynamodb:CreateTable"
                + " on resource: pitr-ledger); grant dynamodb:CreateTable on that table to the"
                + " identity pitr runs as, or pass --ledger-table NAME for a table it may use."
                + " Nothing was written")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.REFUSED);
    assertThat(local.items("things", "pk").get("a")).doesNotContainKey("m");
  }
}
