package pitr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import pitr.dynamo.LocalTarget;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The crash-and-fault suite's shared setup: real pitr processes killed with SIGKILL at random
 * points chosen by a seed, under the engine's fault injection (throttling, HTTP 500s, latency,
 * dropped connections), then resumed; every item is compared with what an uninterrupted run gives.
 * Each scenario is tried {@code chaos.trials} times (default 2, as CI runs it; before a release run
 * {@code mvn verify -Dgroups=chaos -Dchaos.trials=100}).
 *
 * <p>The seed is printed first; {@code -Dchaos.seed=N} replays a run. Each trial's figures (killed
 * after how many items, resumes, identical, lost) of every class of the suite (tag {@code chaos})
 * go to {@code target/chaos/summary.txt}.
 */
@Tag("chaos")
abstract class CrashAndFaultFixture {
  static final long SEED =
      Long.getLong("chaos.seed", new SecureRandom().nextLong() & Long.MAX_VALUE);
  static final int TRIALS = Integer.getInteger("chaos.trials", 2);
  static final Faults FAULTS = new Faults(0.08, 0.03, 0.1, Duration.ofMillis(5), 0.01, SEED);

  /** The figures of every trial of the suite's classes run in this JVM so far. */
  private static final List<String> summary = new ArrayList<>();

  private static boolean seedPrinted;

  /** The engine of the class running, its tables read in-process. */
  static LocalTarget local;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    synchronized (summary) {
      if (!seedPrinted) {
        System.out.printf(
            "chaos: seed=%d trials=%d (replay: mvn verify -Dgroups=chaos -Dchaos.seed=%d"
                + " -Dchaos.trials=%d)%n",
            SEED, TRIALS, SEED, TRIALS);
        seedPrinted = true;
      }
    }
    local =
        new LocalTarget(EngineConfig.defaults().withRestoreLag(Duration.ZERO).withBurstSeconds(1));
  }

  /** Closes the engine; writes the figures so far, this class's with the earlier ones. */
  @AfterAll
  static void stop() throws IOException {
    local.close();
    Path out = Path.of("target", "chaos");
    Files.createDirectories(out);
    List<String> lines = new ArrayList<>();
    lines.add("seed=" + SEED + " trials=" + TRIALS);
    synchronized (summary) {
      lines.addAll(summary);
    }
    Files.write(out.resolve("summary.txt"), lines);
    lines.forEach(l -> System.out.println("chaos: " + l));
  }

  /** Records one trial's figures for the summary. */
  static void summarize(String line) {
    synchronized (summary) {
      summary.add(line);
    }
  }

  static Random random(String scenario, int trial) {
    return new Random(SEED ^ (scenario.hashCode() * 31L + trial));
  }

  static String replay(String scenario, int trial) {
    return scenario + " trial " + trial + " (seed " + SEED + ")";
  }

  /** How resuming a killed run ended: its last exit code and error output, after how many tries. */
  record Resumed(int code, String err, int resumes) {}

  /**
   * Runs {@code pitr --endpoint-url ENGINE args} until it exits 0, or anything but 4 (some items
   * failed under the faults; a resume retries them), at most five times.
   */
  static Resumed resumeUntilDone(String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint()));
    all.addAll(List.of(args));
    int resumes = 0;
    CliRun resume;
    int code;
    do {
      resume = new CliRun();
      code = resume.execute(all.toArray(String[]::new));
      resumes++;
    } while (code == 4 && resumes < 5);
    return new Resumed(code, resume.err(), resumes);
  }

  static Faults withSeed(long seed) {
    return new Faults(
        FAULTS.throttle(), FAULTS.error(), FAULTS.latency(), FAULTS.delay(), FAULTS.drop(), seed);
  }

  /** Compares every item of {@code table} with {@code expected}; records and returns the lost. */
  long compare(
      String scenario,
      int trial,
      long killedAfter,
      int resumes,
      Map<String, Map<String, AttributeValue>> expected,
      String table) {
    Map<String, Map<String, AttributeValue>> actual = contents(table);
    long identical = 0;
    long lost = 0;
    for (var e : expected.entrySet()) {
      if (e.getValue().equals(actual.get(e.getKey()))) {
        identical++;
      } else {
        lost++;
      }
    }
    long extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    summarize(
        String.format(
            "%s trial %d: killed after %d items, %d resume(s); %d items, identical %d, lost or"
                + " wrong %d, extra %d",
            scenario, trial, killedAfter, resumes, expected.size(), identical, lost, extra));
    return lost + extra;
  }

  long compare(
      String scenario, int trial, long killedAfter, int resumes, String source, String table) {
    return compare(scenario, trial, killedAfter, resumes, contents(source), table);
  }

  /**
   * Every item of {@code table}, keyed by pk, read from the engine in-process: faults are injected
   * into requests over HTTP only, so the test's own reads are never refused.
   */
  static Map<String, Map<String, AttributeValue>> contents(String table) {
    Map<String, Map<String, AttributeValue>> out = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      var page =
          local.engine.scan(
              ScanRequest.builder()
                  .tableName(table)
                  .consistentRead(true)
                  .exclusiveStartKey(start)
                  .build());
      page.items().forEach(i -> out.put(i.get("pk").s(), i));
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return out;
  }

  Child child(String... args) throws IOException {
    List<String> command = ChildJvm.pitr("--endpoint-url", local.endpoint());
    command.addAll(List.of(args));
    return Child.start(command, Files.createTempDirectory(dir, "child"));
  }

  Child serve(Path data, int port) throws Exception {
    Child server =
        Child.start(
            ChildJvm.pitr(
                "local", "serve", "--port", Integer.toString(port), "--data-dir", data.toString()),
            Files.createTempDirectory(dir, "serve"));
    Poll.until(
        Duration.ofSeconds(60),
        "engine listening on port " + port,
        () -> server.output().contains("listening on"));
    return server;
  }
}
