package pitr.migrate;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import pitr.copy.Worker;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The table handles of one attempt of a run (or of a dry run), and what they share. */
final class RunHandles {
  private RunHandles() {}

  /**
   * What a run's table handles share besides the journal.
   *
   * @param share this process's share of the run's scan segments
   */
  record Wiring(
      InFlightWrites inFlight,
      ResumeSkips resume,
      LongAdder reads,
      Worker share,
      DryRunConditions conditions) {
    /** What a live run's handles share: writes are checked by DynamoDB. */
    Wiring(InFlightWrites inFlight, ResumeSkips resume, LongAdder reads, Worker share) {
      this(inFlight, resume, reads, share, DryRunConditions.UNCHECKED);
    }

    static Wiring dry(Worker share, DryRunConditions conditions) {
      return new Wiring(new InFlightWrites(), ResumeSkips.NONE, new LongAdder(), share, conditions);
    }
  }

  static void expectItems(RunContext ctx, Map<String, TableDescription> descriptions) {
    long items =
        descriptions.values().stream()
            .mapToLong(d -> d.itemCount() == null ? 0 : d.itemCount())
            .sum();
    ctx.progress().expect(items);
  }

  static Map<String, TableHandle> of(
      MeterRegistry registry,
      Clock clock,
      CompiledMigration compiled,
      Map<String, TableDescription> descriptions,
      DynamoDbGateway db,
      AdaptiveRateLimiter limiter,
      Journal journal,
      boolean dryRun,
      TableHandle.Checkpoints checkpoints,
      RunContext.ProgressCounter progress,
      Wiring wiring) {
    Map<String, TableHandle> out = new LinkedHashMap<>();
    descriptions.forEach(
        (t, d) ->
            out.put(
                t,
                new TableHandle(
                    d,
                    db,
                    limiter,
                    journal,
                    new TableTally(t, compiled.file().name(), registry, wiring.reads()),
                    dryRun,
                    checkpoints,
                    clock,
                    progress,
                    wiring.inFlight(),
                    wiring.resume(),
                    wiring.share(),
                    wiring.conditions())));
    return out;
  }

  static List<RunReport.TableReport> reports(Map<String, TableHandle> handles) {
    return handles.values().stream().map(h -> h.tally().report()).toList();
  }
}
