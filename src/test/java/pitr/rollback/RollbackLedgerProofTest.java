package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.LocalTarget;
import pitr.local.http.LocalServer;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.PolicyDocument;
import pitr.migrate.Lease;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationState;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The proof a migration rollback makes, before its first item write, that the ledger will take its
 * record of the run ROLLED_BACK: on the incident of {@link MigrationIncident}, with credentials the
 * engine holds to an IAM policy. It passes, or fails as the record itself would, and never changes
 * the run's item.
 */
class RollbackLedgerProofTest {
  @TempDir Path dir;
  private MigrationIncident incident;
  private LocalServer enforced;
  private DynamoDbAsyncClient client;

  @BeforeEach
  void start() {
    incident = new MigrationIncident(dir, Duration.ofMinutes(20));
  }

  /**
   * Takes the migration lock as rollback rb01 (with full access) and runs {@code work} under it.
   */
  private void underTheLock(java.util.function.Function<Lease, Mono<?>> work) {
    incident
        .env
        .underLock("rollback-rb01", "0001_mess", "bob", "box2", lease -> work.apply(lease).then())
        .block(Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (enforced != null) {
      enforced.close();
    }
    incident.close();
  }

  /** Rollbacks and a migration environment whose calls the engine holds to {@code policy}. */
  private Rollbacks rollbacksUnder(String policy) {
    enforced =
        LocalServer.start(
            incident.local.engine,
            "127.0.0.1",
            0,
            null,
            IamPolicies.of(
                Map.of("test", List.of(PolicyDocument.parse(policy))),
                incident.local.engine.config().accountId()));
    client = LocalTarget.client(enforced.endpoint());
    return Rollbacks.create(
        client,
        incident.clock,
        Schedulers.parallel(),
        Rollbacks.Settings.defaults(enforced.endpoint().toString(), "test", dir.resolve("work")));
  }

  private MigrationEnvironment envUnderTheSamePolicy() {
    return MigrationEnvironment.create(
        client,
        incident.clock,
        Schedulers.parallel(),
        MigrationEnvironment.Settings.defaults(enforced.endpoint().toString()));
  }

  private static String allBut(String action) {
    return "{\"Statement\":["
        + "{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},"
        + "{\"Effect\":\"Deny\",\"Action\":\""
        + action
        + "\",\"Resource\":\"arn:aws:dynamodb:*:*:table/pitr-ledger\"}]}";
  }

  private Map<String, AttributeValue> runItem() {
    return incident
        .local
        .client
        .getItem(
            r ->
                r.tableName("pitr-ledger")
                    .key(
                        Map.of(
                            "pk", AttributeValue.fromS("run"),
                            "sk", AttributeValue.fromS("0001_mess#" + incident.run.runId())))
                    .consistentRead(true))
        .join()
        .item();
  }

  @Test
  void proveCanRecordRolledBack_withTheLedgerWritable_passesAndLeavesTheRunItemAsItWas() {
    Map<String, AttributeValue> before = runItem();
    Rollbacks rollbacks = rollbacksUnder(allBut("dynamodb:DescribeLimits"));

    MigrationEnvironment env = envUnderTheSamePolicy();

    underTheLock(lease -> rollbacks.proveCanRecordRolledBack(env, incident.run, lease));

    assertThat(runItem()).isEqualTo(before);
    assertThat(before.get("status").s()).isEqualTo(MigrationState.SUCCEEDED.name());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamodb:ConditionCheckItem", "dynamodb:UpdateItem"})
  void proveCanRecordRolledBack_deniedAWriteTheRecordNeeds_failsNamingIt_andChangesNothing(
      String action) {
    Map<String, AttributeValue> before = runItem();
    Rollbacks rollbacks = rollbacksUnder(allBut(action));
    MigrationEnvironment env = envUnderTheSamePolicy();

    assertThatThrownBy(
            () ->
                underTheLock(lease -> rollbacks.proveCanRecordRolledBack(env, incident.run, lease)))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageContaining("the credentials may not call " + action)
        .hasMessageContaining("table/pitr-ledger")
        .hasMessageContaining("the denied call changed nothing");
    assertThat(runItem()).isEqualTo(before);
  }

  @Test
  void proveCanRecordRolledBack_withALostLease_failsAsTheRecordWould_andChangesNothing() {
    Map<String, AttributeValue> before = runItem();
    Rollbacks rollbacks = rollbacksUnder(allBut("dynamodb:DescribeLimits"));
    MigrationEnvironment env = envUnderTheSamePolicy();

    assertThatThrownBy(
            () ->
                underTheLock(
                    lease ->
                        incident
                            .env
                            .lock()
                            .current()
                            .flatMap(held -> incident.env.lock().forceUnlock(held.orElseThrow()))
                            .then(rollbacks.proveCanRecordRolledBack(env, incident.run, lease))))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED))
        .hasMessageContaining("Run rollback-rb01 lost the migration lock in pitr-ledger");
    assertThat(runItem()).isEqualTo(before);
  }

  @Test
  void proveCanRecordRolledBack_thenTheRecord_marksTheRunRolledBack() {
    Rollbacks rollbacks = rollbacksUnder(allBut("dynamodb:DescribeLimits"));
    MigrationEnvironment env = envUnderTheSamePolicy();

    underTheLock(
        lease ->
            rollbacks
                .proveCanRecordRolledBack(env, incident.run, lease)
                .then(
                    rollbacks.recordRolledBack(
                        env,
                        new Rollbacks.MigrationRollback("rb01", incident.run, List.of()),
                        lease,
                        "bob",
                        List.of())));

    assertThat(runItem().get("status").s()).isEqualTo(MigrationState.ROLLED_BACK.name());
  }
}
