package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.TestHttp;
import pitr.copy.FileCheckpoints;
import pitr.dynamo.VirtualTime;
import pitr.export.DirectoryExportStore;
import pitr.files.SealedLines;
import pitr.local.EngineConfig;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportType;

/**
 * Rollbacks planned from an incremental export of the incident's window, on the incident of {@link
 * IncidentTimeline} with exports written to a directory laid out as buckets: the same plan as from
 * two restored tables, applied to the same result, reading only the changed keys of the live table;
 * and every bad source refused before anything is requested or written.
 */
class ExportRollbacksTest {
  private static final Duration MINUTE_WINDOWS = Duration.ofMinutes(1);

  @TempDir Path dir;
  private final ReadMeter meter = new ReadMeter();
  private IncidentTimeline f;
  private DynamoDbAsyncClient client;

  private IncidentTimeline timeline(Duration minWindow) throws IOException {
    Files.createDirectories(dir.resolve("s3/exports"));
    IncidentTimeline t =
        new IncidentTimeline(
            EngineConfig.Exports.DEFAULTS
                .withMinWindow(minWindow)
                .withDirectory(dir.resolve("s3")));
    f = t;
    client =
        TestHttp.dynamo(t.local.server.endpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(meter))
            .build();
    return t;
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (f != null) {
      f.close();
    }
  }

  private Rollbacks.Settings settings(String work) {
    return Rollbacks.Settings.defaults(f.local.endpoint(), "test", dir.resolve(work));
  }

  private ExportRollbacks exportRollbacks() {
    return ExportRollbacks.create(
        client,
        f.clock,
        Schedulers.parallel(),
        settings("work"),
        new DirectoryExportStore(dir.resolve("s3")),
        Duration.ofMillis(10));
  }

  private Rollbacks.TableRequest request(Instant to, Instant incidentEnd) {
    return new Rollbacks.TableRequest("orders", to, incidentEnd, false, false, Duration.ofHours(1));
  }

  private static ExportRollbacks.Source bucket(String bucket) {
    return new ExportRollbacks.Source(bucket, "incident", null, Duration.ofMinutes(5), 0);
  }

  private static ExportRollbacks.Source arn(String exportArn) {
    return new ExportRollbacks.Source(null, null, exportArn, Duration.ofMinutes(5), 0);
  }

  private Rollbacks.Prepared fromExport(ExportRollbacks.Source source) {
    return exportRollbacks()
        .planTable(request(f.t0, f.t1), source, d -> {})
        .block(Duration.ofSeconds(60));
  }

  private static Set<PlanItem> items(RollbackPlan plan) throws IOException {
    try (Stream<String> lines = Files.lines(plan.file())) {
      Set<PlanItem> out = new HashSet<>();
      lines.skip(1).filter(l -> !SealedLines.isSealLine(l)).map(PlanFile::item).forEach(out::add);
      return out;
    }
  }

  private Map<String, String> apply(Rollbacks rollbacks, RollbackPlan plan) {
    ApplyResult r =
        rollbacks
            .apply(
                plan,
                ApplyRequest.of(
                    "run1",
                    FileCheckpoints.in(dir.resolve("state-" + plan.hashCode())),
                    dir.resolve("failures-" + plan.hashCode() + ".jsonl")))
            .block(Duration.ofSeconds(60));
    assertThat(r.complete()).isTrue();
    return f.live();
  }

  private ExportDescription export(String table, Instant from, Instant to) {
    String tableArn = client.describeTable(r -> r.tableName(table)).join().table().tableArn();
    return client
        .exportTableToPointInTime(
            r ->
                r.tableArn(tableArn)
                    .s3Bucket("exports")
                    .exportType(ExportType.INCREMENTAL_EXPORT)
                    .incrementalExportSpecification(s -> s.exportFromTime(from).exportToTime(to)))
        .join()
        .exportDescription();
  }

  private List<String> workFiles() throws IOException {
    Path work = dir.resolve("work");
    if (!Files.exists(work)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
  }

  @Test
  void planFromExport_isThePlanFromRestoredTables_andAppliesToTheSameResult() throws Exception {
    timeline(MINUTE_WINDOWS);
    Rollbacks restored =
        Rollbacks.create(client, f.clock, Schedulers.parallel(), settings("restore-work"));
    Rollbacks.Prepared byRestore =
        restored.planTable(request(f.t0, f.t1)).block(Duration.ofSeconds(60));
    Rollbacks.Prepared byExport = fromExport(bucket("exports"));

    assertThat(items(byExport.plan())).isEqualTo(items(byRestore.plan())).hasSize(6);
    assertThat(byExport.plan().counts()).isEqualTo(byRestore.plan().counts());
    assertThat(byExport.recoveryTables()).isEmpty();
    assertThat(byExport.plan().scope()).startsWith("export arn:aws:dynamodb:");
    assertThat(byExport.plan().scope()).contains(":table/orders/export/");
    assertThat(Files.readAllLines(byExport.plan().file()).get(0))
        .contains("\"scope\":\"" + byExport.plan().scope() + "\"");

    Map<String, String> before = f.live();
    Map<String, String> afterExportPlan = apply(restored, byExport.plan());
    assertThat(afterExportPlan)
        .isNotEqualTo(before)
        .containsEntry("k1", "good")
        .containsEntry("k3", "good")
        .containsEntry("k2", "customer")
        .doesNotContainKey("n1");
    try (IncidentTimeline twin = new IncidentTimeline()) {
      Rollbacks onTwin =
          Rollbacks.create(
              twin.local.client,
              twin.clock,
              Schedulers.parallel(),
              Rollbacks.Settings.defaults(twin.local.endpoint(), "test", dir.resolve("twin")));
      RollbackPlan twinPlan =
          onTwin.planTable(request(twin.t0, twin.t1)).block(Duration.ofSeconds(60)).plan();
      onTwin
          .apply(
              twinPlan,
              ApplyRequest.of(
                  "run2", FileCheckpoints.in(dir.resolve("twin-state")), dir.resolve("tf.jsonl")))
          .block(Duration.ofSeconds(60));
      assertThat(twin.live()).isEqualTo(afterExportPlan);
    }
  }

  @Test
  void planFromExport_readsOnlyTheChangedKeysOfTheLiveTable_andScansNothing() throws Exception {
    timeline(MINUTE_WINDOWS);
    fromExport(bucket("exports"));
    double exportUnits = meter.units.of("orders");
    Map<String, Long> exportKeys = Map.copyOf(meter.keys);
    Map<String, Long> exportScans = Map.copyOf(meter.scans);
    meter.reset();
    Rollbacks.create(client, f.clock, Schedulers.parallel(), settings("restore-work"))
        .planTable(request(f.t0, f.t1))
        .block(Duration.ofSeconds(60));

    assertThat(exportKeys).isEqualTo(Map.of("orders", 8L));
    assertThat(exportScans).isEmpty();
    assertThat(exportUnits).isPositive().isLessThanOrEqualTo(8.0);
    assertThat(meter.scans.keySet()).allMatch(t -> t.startsWith("orders-recovery-"));
    assertThat(meter.units.total()).isGreaterThan(exportUnits);
  }

  @Test
  void planFromExport_withAReadCap_pacesTheReadsOfTheLiveTable() throws Exception {
    timeline(MINUTE_WINDOWS);
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    ExportRollbacks paced =
        ExportRollbacks.create(
            client,
            f.clock,
            vts,
            settings("work"),
            new DirectoryExportStore(dir.resolve("s3")),
            Duration.ofMillis(10));

    Rollbacks.Prepared plan =
        VirtualTime.run(
            vts,
            paced.planTable(
                request(f.t0, f.t1),
                new ExportRollbacks.Source("exports", null, null, Duration.ofMinutes(5), 2),
                d -> {}));

    assertThat(plan.plan().size()).isEqualTo(6);
    // 8 keys at 2 RCU a second, from a burst of a tenth of a second: nearly 4 seconds.
    assertThat(vts.now(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(3_800);
  }

  @Test
  void planFromExport_ofAnExistingExportByArn_isTheSamePlan() throws Exception {
    timeline(MINUTE_WINDOWS);
    ExportDescription d = export("orders", f.t0, f.t1);

    Set<PlanItem> byArn = items(fromExport(arn(d.exportArn())).plan());

    assertThat(byArn).isEqualTo(items(fromExport(bucket("exports")).plan()));
  }

  private void assertRefused(
      ExportRollbacks.Source source, ErrorCode code, String message, Instant to, Instant end)
      throws IOException {
    Map<String, String> before = f.live();
    List<String> tables = client.listTables().join().tableNames();
    assertThatThrownBy(
            () ->
                exportRollbacks()
                    .planTable(request(to, end), source, d -> {})
                    .block(Duration.ofSeconds(60)))
        .isInstanceOfSatisfying(PitrException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessage(message);
    assertThat(f.live()).isEqualTo(before);
    assertThat(client.listTables().join().tableNames()).isEqualTo(tables);
    assertThat(workFiles()).isEmpty();
  }

  private String restoreCommand(Instant to, Instant end) {
    return "pitr rollback orders --to " + to + " --incident-end " + end + " --source restore";
  }

  @Test
  void planFromExport_toABucketThatDoesNotExist_isRefusedBeforeAnyExport() throws Exception {
    timeline(MINUTE_WINDOWS);

    assertRefused(
        bucket("nope"),
        ErrorCode.USAGE,
        "Bucket nope does not exist ("
            + dir.resolve("s3/nope")
            + "); create it first or pass another --bucket. Nothing was exported.",
        f.t0,
        f.t1);
    assertThat(client.listExports(r -> {}).join().exportSummaries()).isEmpty();
  }

  @Test
  void planFromExport_ofAnotherTablesExport_isRefused() throws Exception {
    timeline(MINUTE_WINDOWS);
    f.local.createTable("other");
    f.local.enablePitr("other");
    f.clock.advance(Duration.ofMinutes(3));
    ExportDescription d =
        export("other", f.clock.instant().minus(Duration.ofMinutes(2)), f.clock.instant());
    String orders = client.describeTable(r -> r.tableName("orders")).join().table().tableArn();

    assertRefused(
        arn(d.exportArn()),
        ErrorCode.USAGE,
        "Export "
            + d.exportArn()
            + " cannot plan the rollback of orders: it is an export of "
            + d.tableArn()
            + ", not of "
            + orders
            + "; pass --bucket to export the window now, or roll back from restored tables: '"
            + restoreCommand(f.t0, f.t1)
            + "'. Nothing was changed.",
        f.t0,
        f.t1);
  }

  @Test
  void planFromExport_ofAnExportOfAnotherWindow_isRefused() throws Exception {
    timeline(MINUTE_WINDOWS);
    Instant from = f.t0.minus(Duration.ofMinutes(2));
    ExportDescription d = export("orders", from, f.t1);

    assertRefused(
        arn(d.exportArn()),
        ErrorCode.USAGE,
        "Export "
            + d.exportArn()
            + " cannot plan the rollback of orders: it covers ["
            + from
            + ", "
            + f.t1
            + "), not ["
            + f.t0
            + ", "
            + f.t1
            + "): its images are those of its own ends, so only an export of exactly the"
            + " incident's window plans it; pass --bucket to export the window now, or roll back"
            + " from restored tables: '"
            + restoreCommand(f.t0, f.t1)
            + "'. Nothing was changed.",
        f.t0,
        f.t1);
  }

  @Test
  void planFromExport_ofAHalfWrittenExport_isRefused() throws Exception {
    timeline(MINUTE_WINDOWS);
    ExportDescription d = export("orders", f.t0, f.t1);
    Path summary = dir.resolve("s3/exports").resolve(d.exportManifest());
    Files.delete(summary);

    assertRefused(
        arn(d.exportArn()),
        ErrorCode.USAGE,
        "Export "
            + summary
            + " is incomplete: there is no manifest-summary.json, so the export is still"
            + " IN_PROGRESS, FAILED, or not an export; check it with DescribeExport and read it"
            + " once it is COMPLETED",
        f.t0,
        f.t1);
  }

  @Test
  void planFromExport_whoseManifestDoesNotMatchItsChecksum_isRefused() throws Exception {
    timeline(MINUTE_WINDOWS);
    ExportDescription d = export("orders", f.t0, f.t1);
    Path files =
        dir.resolve("s3/exports").resolve(d.exportManifest()).resolveSibling("manifest-files.json");
    Files.writeString(
        files, Files.readString(files) + "\n", java.nio.file.StandardOpenOption.APPEND);

    assertRefused(
        arn(d.exportArn()),
        ErrorCode.USAGE,
        "Export "
            + dir.resolve("s3/exports").resolve(d.exportManifest())
            + " is damaged: "
            + files
            + " does not match its checksum in manifest-files.checksum (altered or cut short);"
            + " export again",
        f.t0,
        f.t1);
  }

  @Test
  void planFromExport_ofAWindowLongerThanADay_isRefusedWithTheRestoreCommand() throws Exception {
    timeline(MINUTE_WINDOWS);
    Instant to = f.t1.minus(Duration.ofHours(25));

    assertRefused(
        bucket("exports"),
        ErrorCode.REFUSED,
        "The window --to "
            + to
            + " to --incident-end "
            + f.t1
            + " is 1d1h, and an incremental export covers at most 24h; roll back from restored"
            + " tables instead: '"
            + restoreCommand(to, f.t1)
            + "'. Nothing was changed.",
        to,
        f.t1);
  }

  @Test
  void planFromExport_ofAWindowShorterThanTheServiceExports_isRefusedWithTheRestoreCommand()
      throws Exception {
    timeline(Duration.ofMinutes(15));

    assertRefused(
        bucket("exports"),
        ErrorCode.REFUSED,
        "DynamoDB refused the export of table orders: The incremental export period from"
            + " ExportFromTime "
            + f.t0
            + " to ExportToTime "
            + f.t1
            + " is 6 minutes; it must be at least 15 minutes and at most 24 hours; roll back from"
            + " restored tables instead: '"
            + restoreCommand(f.t0, f.t1)
            + "'. Nothing was exported.",
        f.t0,
        f.t1);
  }
}
