package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.dynamo.MotoServer;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;

class MigrateSubmitCommandTest {
  @TempDir static Path motoDir;
  private static MotoBatch moto;

  @TempDir Path dir;

  private final LocalEngine engine = LocalEngine.create();
  private final LocalServer server = LocalServer.start(engine, "127.0.0.1", 0);
  private final String endpoint = server.endpoint().toString();
  private final DynamoDbClient client =
      DynamoDbClient.builder()
          .endpointOverride(server.endpoint())
          .region(Region.US_EAST_1)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
          .build();
  private static int queues;
  private String queue;

  @BeforeAll
  static void startMoto() throws Exception {
    Assumptions.assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    moto = MotoBatch.start(motoDir);
    moto.batch.registerJobDefinition(
        r ->
            r.jobDefinitionName("pitr")
                .type("container")
                .containerProperties(c -> c.image("pitr:test").vcpus(1).memory(2048)));
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    engine.close();
  }

  /** A fresh queue per test, so each test sees only its own jobs. */
  private String newQueue() {
    queue = "q" + (++queues);
    moto.createQueue(queue);
    return queue;
  }

  private Path migrations(boolean pitr) throws Exception {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.copy(
        Path.of("migrations", "0001_cars_get_a_price.java"),
        m.resolve("0001_cars_get_a_price.java"));
    client.createTable(
        r ->
            r.tableName("cars")
                .billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                .keySchema(k -> k.attributeName("pk").keyType("HASH")));
    if (pitr) {
      client.updateContinuousBackups(
          r ->
              r.tableName("cars")
                  .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    }
    return m;
  }

  private CliRun run(Clock clock, String... args) {
    CliRun run = new CliRun();
    run.root().target.env = moto.env();
    if (clock != null) {
      MigrateCommand migrate = run.commandLine.getSubcommands().get("migrate").getCommand();
      migrate.clock = clock;
    }
    List<String> all = new ArrayList<>(List.of("--endpoint-url", endpoint));
    all.addAll(List.of(args));
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  private int code;

  private List<JobDetail> jobs(String queue) {
    List<String> ids = new ArrayList<>();
    for (JobStatus s : List.of(JobStatus.values())) {
      if (s == JobStatus.UNKNOWN_TO_SDK_VERSION) {
        continue;
      }
      moto.batch
          .listJobs(r -> r.jobQueue(queue).jobStatus(s))
          .jobSummaryList()
          .forEach(j -> ids.add(j.jobId()));
    }
    return ids.isEmpty() ? List.of() : moto.batch.describeJobs(r -> r.jobs(ids)).jobs();
  }

  private boolean ledgerExists() {
    return client.listTables().tableNames().contains("pitr-ledger");
  }

  @Test
  void submit_now_submitsMigrateProdAsAJobAndRecordsItInTheLedger() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        run(null, "migrate", "submit", "0001", "--migrations-dir", m.toString(), "--job-queue", q);

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    List<JobDetail> jobs = jobs(q);
    assertThat(jobs).hasSize(1);
    JobDetail job = jobs.get(0);
    assertThat(job.jobName()).isEqualTo("pitr-migrate-0001_cars_get_a_price");
    assertThat(job.container().command())
        .containsExactly(
            "--endpoint-url",
            endpoint,
            "migrate",
            "prod",
            "0001_cars_get_a_price",
            "--yes",
            "--ledger-table",
            "pitr-ledger",
            "--journal-table",
            "pitr-journal",
            "--max-wcu",
            "1000",
            "--max-restore-lag",
            "900s");
    assertThat(job.container().environment())
        .anySatisfy(
            e -> {
              assertThat(e.name()).isEqualTo("AWS_REGION");
              assertThat(e.value()).isEqualTo("us-east-1");
            });
    assertThat(job.arrayProperties()).isNull();
    assertThat(run.out())
        .startsWith(
            "Submitted migrate prod 0001_cars_get_a_price as AWS Batch job "
                + job.jobId()
                + " (pitr-migrate-0001_cars_get_a_price, queue "
                + q
                + ")\n  follow it: pitr logs "
                + job.jobId()
                + " --follow\n");

    CliRun list = run(null, "migrate", "list", "--migrations-dir", m.toString());
    assertThat(list.out())
        .contains("  submitted ", " job " + job.jobId() + " on queue " + q + " (");
  }

  @Test
  void submit_at_createsAOneTimeScheduleThatSubmitsTheJob() throws Exception {
    Path m = migrations(true);
    String q = newQueue();
    Instant when = Instant.now().plus(java.time.Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    String at = when.toString().substring(0, 19);

    CliRun run =
        run(
            null,
            "migrate",
            "submit",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q,
            "--at",
            when.toString(),
            "--schedule-role",
            MotoBatch.SCHEDULE_ROLE,
            "--schedule-name",
            "pitr-0001-at");

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    GetScheduleResponse s = moto.scheduler.getSchedule(r -> r.name("pitr-0001-at"));
    assertThat(s.scheduleExpression()).isEqualTo("at(" + at + ")");
    assertThat(s.scheduleExpressionTimezone()).isEqualTo("UTC");
    assertThat(s.target().arn()).isEqualTo("arn:aws:scheduler:::aws-sdk:batch:submitJob");
    assertThat(s.target().roleArn()).isEqualTo(MotoBatch.SCHEDULE_ROLE);
    JsonNode input = new ObjectMapper().readTree(s.target().input());
    assertThat(input.get("JobQueue").asText()).isEqualTo(q);
    assertThat(input.get("JobDefinition").asText()).isEqualTo("pitr");
    assertThat(input.get("ContainerOverrides").get("Command").toString())
        .contains("\"migrate\",\"prod\",\"0001_cars_get_a_price\",\"--yes\"");
    assertThat(jobs(q)).isEmpty();
    assertThat(run.out())
        .startsWith(
            "Scheduled migrate prod 0001_cars_get_a_price with at("
                + at
                + ") (UTC) as"
                + " EventBridge Scheduler schedule pitr-0001-at (queue "
                + q
                + ")\n");

    CliRun list = run(null, "migrate", "list", "--migrations-dir", m.toString());
    assertThat(list.out()).contains(" schedule pitr-0001-at at(" + at + ") on queue " + q);
  }

  @Test
  void submit_cron_createsARecurringSchedule() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    run(
        null,
        "migrate",
        "submit",
        "0001",
        "--migrations-dir",
        m.toString(),
        "--job-queue",
        q,
        "--cron",
        "0 2 ? * SUN *",
        "--schedule-role",
        MotoBatch.SCHEDULE_ROLE,
        "--schedule-name",
        "pitr-0001-cron");

    assertThat(code).isZero();
    assertThat(moto.scheduler.getSchedule(r -> r.name("pitr-0001-cron")).scheduleExpression())
        .isEqualTo("cron(0 2 ? * SUN *)");
  }

  @Test
  void submit_atInThePast_exits2AndChangesNothing() throws Exception {
    Path m = migrations(true);
    String q = newQueue();
    Clock clock = Clock.fixed(Instant.parse("2026-12-04T20:00:00Z"), ZoneOffset.UTC);

    CliRun run =
        run(
            clock,
            "migrate",
            "submit",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q,
            "--at",
            "2026-12-04T19:00:00Z",
            "--schedule-role",
            MotoBatch.SCHEDULE_ROLE,
            "--schedule-name",
            "pitr-0001-past");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --at 2026-12-04T19:00:00Z is in the past (now 2026-12-04T20:00:00Z); pass a"
                + " later time, or leave --at out to submit the job now. Nothing was scheduled\n");
    assertThat(moto.scheduler.listSchedules(r -> r.namePrefix("pitr-0001-past")).schedules())
        .isEmpty();
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void submit_whenPreflightFails_exits3AndSubmitsNothing() throws Exception {
    Path m = migrations(false);
    String q = newQueue();

    CliRun run =
        run(null, "migrate", "submit", "0001", "--migrations-dir", m.toString(), "--job-queue", q);

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "error: Preflight refused prod run of 0001_cars_get_a_price; nothing was written:\n"
                + "  Table cars has point-in-time recovery off");
    assertThat(jobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void submit_toAnUnknownQueue_exits3AndSubmitsNothing() throws Exception {
    Path m = migrations(true);

    CliRun run =
        run(
            null,
            "migrate",
            "submit",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            "nope");

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo(
            "error: Job queue nope does not exist; pass an existing one to --job-queue. Nothing was"
                + " submitted\n");
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void submit_atWithoutScheduleRole_exits2() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        run(
            null,
            "migrate",
            "submit",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q,
            "--at",
            "2099-01-01T00:00:00Z");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --at needs --schedule-role ARN, the role EventBridge Scheduler submits the job"
                + " with (allowed batch:SubmitJob; see deploy/iam/scheduler-role.json)\n");
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void submit_withWorkers_submitsAnArrayJobWhoseChildrenRunOneWorkerEachOfOneRun()
      throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        run(
            null,
            "migrate",
            "submit",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q,
            "--workers",
            "3",
            "--run-id",
            "mig-7");

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    List<JobDetail> jobs =
        jobs(q).stream()
            .filter(j -> j.arrayProperties() != null && !j.jobId().contains(":"))
            .toList();
    assertThat(jobs).hasSize(1);
    JobDetail job = jobs.get(0);
    assertThat(job.arrayProperties().size()).isEqualTo(3);
    assertThat(job.container().command())
        .containsExactly(
            "--endpoint-url",
            endpoint,
            "migrate",
            "prod",
            "0001_cars_get_a_price",
            "--yes",
            "--ledger-table",
            "pitr-ledger",
            "--journal-table",
            "pitr-journal",
            "--max-wcu",
            "1000",
            "--max-restore-lag",
            "900s",
            "--worker",
            "auto/3",
            "--run-id",
            "mig-7");
    assertThat(run.out())
        .startsWith(
            "Submitted migrate prod 0001_cars_get_a_price across 3 workers (run mig-7) as AWS"
                + " Batch array job "
                + job.jobId()
                + " (pitr-migrate-0001_cars_get_a_price, queue "
                + q
                + ")\n  watch it: pitr migrate list (each worker's state)\n  its logs: pitr logs "
                + job.jobId()
                + " --worker I (1-3)\n");
  }

  @Test
  void prodSubmitBatch_withWorkers_submitsTheArrayJobThatMigrateSubmitDoes_andSaysTheSame()
      throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        run(
            null,
            "migrate",
            "prod",
            "0001",
            "--submit",
            "batch",
            "--workers",
            "3",
            "--run-id",
            "mig-8",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q);

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    List<JobDetail> jobs =
        jobs(q).stream()
            .filter(j -> j.arrayProperties() != null && !j.jobId().contains(":"))
            .toList();
    assertThat(jobs).hasSize(1);
    JobDetail job = jobs.get(0);
    assertThat(job.arrayProperties().size()).isEqualTo(3);
    assertThat(job.container().command())
        .containsExactly(
            "--endpoint-url",
            endpoint,
            "migrate",
            "prod",
            "0001_cars_get_a_price",
            "--yes",
            "--ledger-table",
            "pitr-ledger",
            "--journal-table",
            "pitr-journal",
            "--max-wcu",
            "1000",
            "--max-restore-lag",
            "900s",
            "--worker",
            "auto/3",
            "--run-id",
            "mig-8");
    assertThat(run.out())
        .startsWith(
            "Submitted migrate prod 0001_cars_get_a_price across 3 workers (run mig-8) as AWS"
                + " Batch array job "
                + job.jobId()
                + " (pitr-migrate-0001_cars_get_a_price, queue "
                + q
                + ")\n  watch it: pitr migrate list (each worker's state)\n  its logs: pitr logs "
                + job.jobId()
                + " --worker I (1-3)\n");
  }

  @Test
  void prodSubmitBatch_whenPreflightFails_exits3AndSubmitsNothing() throws Exception {
    Path m = migrations(false);
    String q = newQueue();

    CliRun run =
        run(
            null,
            "migrate",
            "prod",
            "0001",
            "--submit",
            "batch",
            "--workers",
            "3",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q);

    assertThat(code).as(run.err()).isEqualTo(3);
    assertThat(jobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void prodSubmitBatch_withAWorker_exits2AndSubmitsNothing() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        run(
            null,
            "migrate",
            "prod",
            "0001",
            "--submit",
            "batch",
            "--worker",
            "1/3",
            "--run-id",
            "mig-9",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker runs here; drop it from --submit batch (the submitted workers take"
                + " their shares themselves)\n");
    assertThat(jobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void submit_withWorkersAndCron_exits2AndSubmitsNothing() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        run(
            null,
            "migrate",
            "submit",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--job-queue",
            q,
            "--workers",
            "3",
            "--cron",
            "0 2 ? * SUN *",
            "--schedule-role",
            MotoBatch.SCHEDULE_ROLE);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --cron with --workers: every run of the schedule would be the same run of 3"
                + " workers; submit it now or --at WHEN\n");
    assertThat(jobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }
}
