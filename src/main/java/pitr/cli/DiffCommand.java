package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.copy.DiffResult;
import pitr.copy.TableDiff;
import pitr.dynamo.ItemJson;
import pitr.files.AtomicFiles;
import pitr.metrics.Meter;
import pitr.metrics.MetricsSession;

/** {@code pitr diff A B}: how two tables with the same key differ. Read-only. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compare tables A and B item by item: identical, changed, only in A, only in B.",
      "Memory stays bounded: items are spilled by key hash under the state directory."
    })
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "A",
      description = "The first table, e.g. the recovery table.")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "The second table, e.g. the live table.")
  String b;

  @Option(
      names = "--sample",
      paramLabel = "N",
      defaultValue = "5",
      converter = Ranges.Sample.class,
      description = "Sample keys to show per kind, 0-1,000 (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(
      names = "--keys-out",
      paramLabel = "FILE",
      description =
          "Write every differing key here, sealed (line count and SHA-256), for copy-back --keys.")
  Path keysOut;

  @Option(
      names = "--segments",
      paramLabel = "N",
      defaultValue = "4",
      converter = Ranges.Segments.class,
      description = "Parallel-scan segments per table, 1-10,000 (default: ${DEFAULT-VALUE}).")
  int segments;

  @Mixin StateOptions state = new StateOptions();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Override
  public Integer call() {
    if (keysOut != null) {
      // Before the scans, not after them.
      AtomicFiles.checkWritable(keysOut, "--keys-out");
    }
    DiffResult r;
    try (Targets t = Targets.of(spec);
        MetricsSession session = metrics.start(spec, "diff")) {
      // Progress counts the items read from both tables, of about both item counts.
      session.progressBy(Meter.ITEMS_READ);
      session.expect(itemCount(t, a) + itemCount(t, b));
      r =
          TableDiff.create(t.gateway, state.stateDir().resolve("tmp"))
              .diff(
                  a,
                  b,
                  segments,
                  sample,
                  keysOut,
                  (n, units) -> {
                    session.meters().add(Meter.ITEMS_READ, n);
                    session.meters().add(Meter.RCU_CONSUMED, units);
                  })
              .block();
      session.finish();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Json.print(out, json(r));
      return 0;
    }
    out.println("identical:  " + r.identical());
    out.println("changed:    " + r.changed() + sample(r.sampleChanged()));
    out.println("only in " + r.a() + ": " + r.onlyInA() + sample(r.sampleOnlyInA()));
    out.println("only in " + r.b() + ": " + r.onlyInB() + sample(r.sampleOnlyInB()));
    if (keysOut != null) {
      out.println("differing keys written to " + keysOut);
    }
    out.flush();
    return 0;
  }

  /** The table's approximate item count (DescribeTable's, refreshed about every 6 h), or 0. */
  static long itemCount(Targets t, String table) {
    return t.gateway
        .findTable(table)
        .onErrorResume(e -> reactor.core.publisher.Mono.empty())
        .blockOptional()
        .map(d -> d.itemCount() == null ? 0L : d.itemCount())
        .orElse(0L);
  }

  /** The result with sample keys as JSON objects (DynamoDB JSON), not strings holding JSON. */
  static java.util.Map<String, Object> json(DiffResult r) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("a", r.a());
    m.put("b", r.b());
    m.put("identical", r.identical());
    m.put("changed", r.changed());
    m.put("onlyInA", r.onlyInA());
    m.put("onlyInB", r.onlyInB());
    m.put("sampleChanged", keys(r.sampleChanged()));
    m.put("sampleOnlyInA", keys(r.sampleOnlyInA()));
    m.put("sampleOnlyInB", keys(r.sampleOnlyInB()));
    m.put("same", r.same());
    return m;
  }

  private static java.util.List<Object> keys(java.util.List<String> keys) {
    return keys.stream().<Object>map(k -> ItemJson.toNode(ItemJson.read(k))).toList();
  }

  private static String sample(java.util.List<String> keys) {
    return keys.isEmpty() ? "" : "  e.g. " + String.join(" ", keys);
  }
}
