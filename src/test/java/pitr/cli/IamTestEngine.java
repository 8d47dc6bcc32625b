package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import pitr.TestHttp;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.PolicyDocument;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The embedded engine served with IAM policies: pitr commands run in-process sign with the test key
 * ({@code test}, set by the build), whose policy {@link #serve(String)} chooses by restarting the
 * server on the same engine; the fixture's own client signs with {@code admin}, allowed everything,
 * to set tables up and look at them.
 */
final class IamTestEngine implements AutoCloseable {
  static final String ALLOW_ALL =
      "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"}}";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The engine's clock and that of the commands run, with the system's until a test moves it on
   * (say past the 15 minutes an export rollback waits for).
   */
  final AdjustableClock clock = AdjustableClock.following(Clock.systemUTC());

  final LocalEngine engine;
  private final Path exports;
  private LocalServer server;
  private DynamoDbAsyncClient admin;

  IamTestEngine() {
    this(null);
  }

  /**
   * With {@code exports} not null, the engine writes exports into that folder laid out as buckets
   * (bucket B is exports/B, which must exist), at once, of any window of at least 1 ms.
   */
  IamTestEngine(Path exports) {
    EngineConfig config = EngineConfig.defaults().withRestoreLag(Duration.ZERO).withClock(clock);
    if (exports != null) {
      config =
          config.withExports(
              EngineConfig.Exports.DEFAULTS
                  .withMinWindow(Duration.ofMillis(1))
                  .withDuration(Duration.ZERO)
                  .withDirectory(exports));
    }
    this.exports = exports;
    engine = LocalEngine.create(config);
    serve(ALLOW_ALL);
  }

  /** Restarts the server with {@code policy} for the commands' key. */
  void serve(String policy) {
    if (server != null) {
      admin.close();
      server.close();
    }
    IamPolicies policies =
        IamPolicies.of(
            Map.of(
                "admin", List.of(PolicyDocument.parse(ALLOW_ALL)),
                "test", List.of(PolicyDocument.parse(policy))),
            engine.config().accountId());
    server = LocalServer.start(engine, "127.0.0.1", 0, null, policies);
    admin =
        TestHttp.dynamo(server.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("admin", "admin")))
            .build();
  }

  DynamoDbAsyncClient admin() {
    return admin;
  }

  /** Runs {@code pitr args... --endpoint-url ENGINE}, signed with the test key. */
  CliRun run(String... args) {
    return run(null, args);
  }

  /** As {@link #run(String...)}, with {@code env} (e.g. AWS_ENDPOINT_URL_S3) as the environment. */
  CliRun run(Map<String, String> env, String... args) {
    CliRun run = LocalCli.onClock(new CliRun(), clock);
    if (env != null) {
      run.root().target().env = env;
    }
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint-url", server.endpoint().toString()));
    run.execute(all.toArray(String[]::new));
    return run;
  }

  /** Table {@code name} keyed by {@code pk}, on demand, with point-in-time recovery on. */
  void createWithPitr(String name) {
    admin
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
    admin
        .updateContinuousBackups(
            r ->
                r.tableName(name)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
  }

  void put(String table, String pk, String v) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(pk));
    item.put("v", AttributeValue.fromS(v));
    admin.putItem(r -> r.tableName(table).item(item)).join();
  }

  /**
   * Table {@code orders} with items a, b, c at v1 before T0, a and b made bad and d created between
   * T0 and T1; returns {T0, T1}.
   */
  Instant[] incident() {
    createWithPitr("orders");
    for (String pk : List.of("a", "b", "c")) {
      put("orders", pk, "v1");
    }
    Instant t0 = RollbackTestEngine.mark();
    put("orders", "a", "bad");
    put("orders", "b", "bad");
    put("orders", "d", "bad");
    Instant t1 = RollbackTestEngine.mark();
    return new Instant[] {t0, t1};
  }

  /**
   * An incremental export of [T0, T1) of the {@link #incident()} into bucket {@code exports}, made
   * now and waited for, read back from the engine's export directory: its ARN.
   */
  String exportMadeBefore(Instant[] t) {
    CliRun run =
        run(
            exportOf(
                    t,
                    "--bucket",
                    "exports",
                    "--export-dir",
                    exports.toString(),
                    "--wait",
                    "--export-poll-interval",
                    "10ms")
                .toArray(String[]::new));
    assertThat(run.err()).as("setup: export").doesNotContain("error:");
    return run.out().replaceAll("(?s)^Export (\\S+) is .*", "$1");
  }

  /**
   * {@code export orders --from T0 --to T1} of the {@link #incident()} {T0, T1}, then {@code more}.
   */
  static List<String> exportOf(Instant[] t, String... more) {
    return args(
        List.of("export", "orders", "--from", t[0].toString(), "--to", t[1].toString()), more);
  }

  /** {@code changes orders --from T0 --to T1} of the {@link #incident()}, then {@code more}. */
  static List<String> changesOf(Instant[] t, String... more) {
    return args(
        List.of("changes", "orders", "--from", t[0].toString(), "--to", t[1].toString()), more);
  }

  /**
   * {@code rollback orders --to T0 --incident-end T1 --source export --yes --state-dir STATE} of
   * the {@link #incident()}, then {@code more}.
   */
  static List<String> rollbackFromExportOf(Instant[] t, String state, String... more) {
    return args(
        List.of(
            "rollback",
            "orders",
            "--to",
            t[0].toString(),
            "--incident-end",
            t[1].toString(),
            "--source",
            "export",
            "--yes",
            "--state-dir",
            state),
        more);
  }

  private static List<String> args(List<String> head, String... more) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(more));
    return all;
  }

  /**
   * The policy {@code pitr iam-policy ARGS} prints, for the engine's account and region (as in its
   * ARNs).
   */
  static ObjectNode printedPolicy(List<String> args) throws Exception {
    List<String> all = args(List.of("iam-policy"), args.toArray(String[]::new));
    all.addAll(List.of("--account-id", "000000000000", "--region", "us-east-1"));
    CliRun run = new CliRun();
    assertThat(run.execute(all.toArray(String[]::new))).as(run.err()).isZero();
    return (ObjectNode) JSON.readTree(run.out());
  }

  List<String> tables() {
    return admin.listTables().join().tableNames();
  }

  static Path stateDir(Path dir) {
    return dir.resolve("state");
  }

  @Override
  public void close() {
    admin.close();
    server.close();
    engine.close();
  }
}
