package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.FileCheckpoints;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.LocalTarget;
import pitr.local.http.LocalServer;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.PolicyDocument;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The proof an apply makes before its first write that every kind of write of its plan is allowed:
 * on the three-way incident of {@link IncidentTimeline} (a plan with restores and a delete), with
 * credentials the engine holds to an IAM policy. It changes nothing; a denied kind of write stops
 * the apply before any item is written.
 */
class WriteProofTest {
  @TempDir Path dir;

  private final IncidentTimeline f = new IncidentTimeline();
  private LocalServer enforced;
  private DynamoDbAsyncClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (enforced != null) {
      enforced.close();
    }
    f.close();
  }

  private RollbackPlan threeWayPlan() {
    return f.threeWayPlan(dir.resolve("plan"));
  }

  /** A gateway whose calls the engine holds to a policy allowing everything but {@code denied}. */
  private DynamoDbGateway gatewayDenied(String denied) {
    String policy =
        "{\"Statement\":["
            + "{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},"
            + "{\"Effect\":\"Deny\",\"Action\":\""
            + denied
            + "\",\"Resource\":\"*\"}]}";
    enforced =
        LocalServer.start(
            f.local.engine,
            "127.0.0.1",
            0,
            null,
            IamPolicies.of(
                Map.of("test", List.of(PolicyDocument.parse(policy))),
                f.local.engine.config().accountId()));
    client = LocalTarget.client(enforced.endpoint());
    return DynamoDbGateway.create(client, enforced.endpoint().toString());
  }

  @Test
  void prove_withEveryWriteAllowed_passesAndChangesNothing() {
    RollbackPlan plan = threeWayPlan();
    assertThat(plan.samples(Action.RESTORE)).isNotEmpty();
    assertThat(plan.samples(Action.DELETE)).isNotEmpty();
    Map<String, String> before = f.live();

    WriteProof.prove(gatewayDenied("dynamodb:DescribeLimits"), plan).block(Duration.ofSeconds(10));

    assertThat(f.live()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamodb:DeleteItem", "dynamodb:PutItem"})
  void apply_deniedOneKindOfItsWrites_writesNothing_andNamesThePermission(String denied) {
    RollbackPlan plan = threeWayPlan();
    Map<String, String> before = f.live();
    RollbackApplier applier =
        new RollbackApplier(new Tables(gatewayDenied(denied)), f.clock, Schedulers.parallel());

    assertThatThrownBy(
            () ->
                applier
                    .apply(
                        plan,
                        ApplyRequest.of(
                            "r1",
                            FileCheckpoints.in(dir.resolve("state")),
                            dir.resolve("failures.jsonl")))
                    .block(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageContaining("the credentials may not call " + denied)
        .hasMessageContaining("table/orders")
        .hasMessageContaining("the denied call changed nothing");
    assertThat(f.live()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamodb:DeleteItem", "dynamodb:PutItem"})
  void apply_deniedOneKindOfItsWrites_recordsNoRunToResume(String denied) {
    RollbackPlan plan = threeWayPlan();
    RollbackApplier applier =
        new RollbackApplier(new Tables(gatewayDenied(denied)), f.clock, Schedulers.parallel());
    AtomicInteger recorded = new AtomicInteger();
    FileCheckpoints state = FileCheckpoints.in(dir.resolve("state"));

    assertThatThrownBy(
            () ->
                applier
                    .apply(
                        plan,
                        ApplyRequest.of("r1", state, dir.resolve("failures.jsonl")),
                        recorded::incrementAndGet)
                    .block(Duration.ofSeconds(30)))
        .hasMessageContaining("the credentials may not call " + denied);
    assertThat(recorded).hasValue(0);
    assertThat(state.find("r1").blockOptional()).isEmpty();
  }

  @Test
  void apply_allowedEveryWrite_saysItsRunIsRecordedOnceItIs() {
    RollbackPlan plan = threeWayPlan();
    RollbackApplier applier =
        new RollbackApplier(
            new Tables(gatewayDenied("dynamodb:DescribeLimits")), f.clock, Schedulers.parallel());
    Path run = dir.resolve("state").resolve("runs").resolve("r1").resolve("run.json");
    List<Boolean> recordedWhenSaid = new java.util.concurrent.CopyOnWriteArrayList<>();

    ApplyResult result =
        applier
            .apply(
                plan,
                ApplyRequest.of(
                    "r1", FileCheckpoints.in(dir.resolve("state")), dir.resolve("failures.jsonl")),
                () -> recordedWhenSaid.add(java.nio.file.Files.exists(run)))
            .block(Duration.ofSeconds(30));

    assertThat(result.complete()).isTrue();
    assertThat(recordedWhenSaid).containsExactly(true);
  }
}
