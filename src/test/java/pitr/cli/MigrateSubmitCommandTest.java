package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;

@ExtendWith(SubmitMoto.class)
class MigrateSubmitCommandTest {
  private static MotoBatch moto;

  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();
  private final String endpoint = local.endpoint;
  private int code;

  @BeforeAll
  static void moto(MotoBatch started) {
    moto = started;
  }

  @AfterEach
  void stop() {
    local.close();
  }

  /** A fresh queue per test, so each test sees only its own jobs. */
  private String newQueue() {
    return moto.newQueue("q");
  }

  /** The example migration 0001 and its empty cars table, with PITR on if {@code pitr}. */
  private Path migrations(boolean pitr) throws Exception {
    Path m = RollbackTestEngine.carsMigration(dir);
    local.createTable("cars");
    if (pitr) {
      local.enablePitr("cars");
    }
    return m;
  }

  private CliRun run(Clock clock, String... args) {
    CliRun run = moto.newRun();
    if (clock != null) {
      MigrateCommand migrate = run.migrate();
      migrate.clock = clock;
    }
    List<String> all = new ArrayList<>(List.of("--endpoint-url", endpoint));
    all.addAll(List.of(args));
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  /** {@code migrate submit 0001 --migrations-dir M --job-queue Q} and then {@code more}. */
  private CliRun submit(Clock clock, Path m, String queue, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "migrate",
                "submit",
                "0001",
                "--migrations-dir",
                m.toString(),
                "--job-queue",
                queue));
    args.addAll(List.of(more));
    return run(clock, args.toArray(String[]::new));
  }

  /** {@code migrate prod 0001 --submit batch}, {@code more}, then the migrations dir and queue. */
  private CliRun prodSubmitBatch(Path m, String queue, String... more) {
    List<String> args = new ArrayList<>(List.of("migrate", "prod", "0001", "--submit", "batch"));
    args.addAll(List.of(more));
    args.addAll(List.of("--migrations-dir", m.toString(), "--job-queue", queue));
    return run(null, args.toArray(String[]::new));
  }

  /** The command line of migrate prod 0001 that a submitted job runs, then {@code more}. */
  private List<String> prodCommand(String... more) {
    List<String> command =
        new ArrayList<>(
            List.of(
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
                "900s"));
    command.addAll(List.of(more));
    return command;
  }

  /** That {@code run} submitted one array job of 3 workers of run {@code runId} to {@code q}. */
  private void assertSubmittedArrayJobOf3Workers(CliRun run, String q, String runId) {
    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    List<JobDetail> jobs = moto.submittedJobs(q);
    assertThat(jobs).hasSize(1);
    JobDetail job = jobs.get(0);
    assertThat(job.arrayProperties().size()).isEqualTo(3);
    assertThat(job.container().command())
        .containsExactlyElementsOf(prodCommand("--worker", "auto/3", "--run-id", runId));
    assertThat(run.out())
        .startsWith(
            "Submitted migrate prod 0001_cars_get_a_price across 3 workers (run "
                + runId
                + ") as AWS Batch array job "
                + job.jobId()
                + " (pitr-migrate-0001_cars_get_a_price, queue "
                + q
                + ")\n  watch it: pitr migrate list (each worker's state)\n  its logs: pitr logs "
                + job.jobId()
                + " --worker I (1-3)\n");
  }

  private boolean ledgerExists() {
    return local.tableExists("pitr-ledger");
  }

  @Test
  void submit_now_submitsMigrateProdAsAJobAndRecordsItInTheLedger() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run = submit(null, m, q);

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    List<JobDetail> jobs = moto.submittedJobs(q);
    assertThat(jobs).hasSize(1);
    JobDetail job = jobs.get(0);
    assertThat(job.jobName()).isEqualTo("pitr-migrate-0001_cars_get_a_price");
    assertThat(job.container().command()).containsExactlyElementsOf(prodCommand());
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
  void submit_withMetricsOptions_handsThemToTheJob_soItsRunPublishesThem() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        submit(
            null,
            m,
            q,
            "--metrics",
            "emf",
            "--metrics-namespace",
            "pitr/prod",
            "--progress-interval",
            "30s");

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    List<JobDetail> jobs = moto.submittedJobs(q);
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).container().command())
        .containsExactlyElementsOf(
            prodCommand(
                "--metrics",
                "emf",
                "--metrics-namespace",
                "pitr/prod",
                "--progress-interval",
                "30s"));
  }

  @Test
  void submit_at_createsAOneTimeScheduleThatSubmitsTheJob() throws Exception {
    Path m = migrations(true);
    String q = newQueue();
    Instant when = Instant.now().plus(java.time.Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    String at = when.toString().substring(0, 19);

    CliRun run =
        submit(
            null,
            m,
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
    assertThat(moto.submittedJobs(q)).isEmpty();
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

    submit(
        null,
        m,
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
        submit(
            clock,
            m,
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

    CliRun run = submit(null, m, q);

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "error: Preflight refused prod run of 0001_cars_get_a_price; nothing was written:\n"
                + "  Table cars has point-in-time recovery off");
    assertThat(moto.submittedJobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void submit_toAnUnknownQueue_exits3AndSubmitsNothing() throws Exception {
    Path m = migrations(true);

    CliRun run = submit(null, m, "nope");

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

    CliRun run = submit(null, m, q, "--at", "2099-01-01T00:00:00Z");

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

    CliRun run = submit(null, m, q, "--workers", "3", "--run-id", "mig-7");

    assertSubmittedArrayJobOf3Workers(run, q, "mig-7");
  }

  @Test
  void prodSubmitBatch_withWorkers_submitsTheArrayJobThatMigrateSubmitDoes_andSaysTheSame()
      throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run = prodSubmitBatch(m, q, "--workers", "3", "--run-id", "mig-8");

    assertSubmittedArrayJobOf3Workers(run, q, "mig-8");
  }

  @Test
  void prodSubmitBatch_whenPreflightFails_exits3AndSubmitsNothing() throws Exception {
    Path m = migrations(false);
    String q = newQueue();

    CliRun run = prodSubmitBatch(m, q, "--workers", "3");

    assertThat(code).as(run.err()).isEqualTo(3);
    assertThat(moto.submittedJobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void prodSubmitBatch_withAWorker_exits2AndSubmitsNothing() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run = prodSubmitBatch(m, q, "--worker", "1/3", "--run-id", "mig-9");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker runs here; drop it from --submit batch (the submitted workers take"
                + " their shares themselves)\n");
    assertThat(moto.submittedJobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }

  @Test
  void submit_withWorkersAndCron_exits2AndSubmitsNothing() throws Exception {
    Path m = migrations(true);
    String q = newQueue();

    CliRun run =
        submit(
            null,
            m,
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
    assertThat(moto.submittedJobs(q)).isEmpty();
    assertThat(ledgerExists()).isFalse();
  }
}
