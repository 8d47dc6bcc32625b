package pitr.migrate;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pitr.dynamo.AdaptiveRateLimiter;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * A dry run: compiles, reads and counts what a run would write, with samples and an estimate; takes
 * no lock and writes nothing, not even the ledger.
 */
final class DryRun {
  private DryRun() {}

  static Mono<RunReport> run(
      MigrationEnvironment env,
      MeterRegistry registry,
      CompiledMigration compiled,
      Map<String, TableDescription> descriptions,
      RunRequest request) {
    Instant started = env.clock().instant();
    AdaptiveRateLimiter unlimited = AdaptiveRateLimiter.create(0, env.scheduler());
    RunContext.ProgressCounter progress = new RunContext.ProgressCounter();
    Map<String, TableHandle> handles =
        RunHandles.of(
            registry,
            env.clock(),
            compiled,
            descriptions,
            env.db(),
            unlimited,
            null,
            true,
            TableHandle.Checkpoints.NONE,
            progress,
            RunHandles.Wiring.dry(pitr.copy.Worker.ALL, env.dryRunConditions()));
    RunContext ctx =
        new RunContext(
            request.mode(),
            true,
            "dry-run",
            compiled.file().name(),
            handles,
            env.clock(),
            registry,
            progress);
    RunHandles.expectItems(ctx, descriptions);
    return Mono.defer(() -> compiled.migration().run(ctx))
        .onErrorMap(e -> RunFailures.dryRunFailure(compiled.file().name(), e))
        .then(
            Mono.fromSupplier(
                () -> {
                  List<RunReport.TableReport> tables = RunHandles.reports(handles);
                  long writes =
                      tables.stream().mapToLong(t -> t.puts() + t.updates() + t.deletes()).sum();
                  double units =
                      tables.stream().mapToDouble(RunReport.TableReport::wcu).sum() + writes;
                  Duration estimate =
                      request.maxWcu() > 0
                          ? Duration.ofMillis((long) Math.ceil(units / request.maxWcu() * 1000))
                          : Duration.ZERO;
                  List<RunReport.Sample> samples = new ArrayList<>();
                  handles.values().forEach(h -> samples.addAll(h.samples()));
                  return new RunReport(
                      null,
                      compiled.file().name(),
                      request.mode(),
                      true,
                      MigrationState.SUCCEEDED,
                      null,
                      started,
                      env.clock().instant(),
                      tables,
                      0,
                      0,
                      units,
                      estimate,
                      samples,
                      ctx.counters(),
                      List.of(),
                      null);
                }));
  }
}
