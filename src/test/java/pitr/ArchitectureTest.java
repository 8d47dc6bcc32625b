package pitr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The package rules of ARCHITECTURE.md, checked on the compiled classes so that a fully qualified
 * name counts as much as an import: the engine imports nothing of the toolkit but the shared item
 * size arithmetic; only the command line, the benchmarks and the demo use the engine; nothing but
 * the command line depends on the command line; every DynamoDB call goes through {@code
 * pitr.dynamo}.
 */
class ArchitectureTest {
  private static final ClassReferences REFS = ClassReferences.ofMainClasses();

  private static boolean in(String pkg, String root) {
    return pkg.equals(root) || pkg.startsWith(root + ".");
  }

  private static boolean isPitr(String cls) {
    return cls.startsWith("pitr.");
  }

  @Test
  void scanner_seesEveryPackage_andTheCommandLineUsingTheEngineAndTheBenchmarks() {
    assertThat(REFS.byClass.keySet().stream().map(ClassReferences::packageOf).distinct())
        .contains(
            "pitr",
            "pitr.cli",
            "pitr.dynamo",
            "pitr.local",
            "pitr.runbook",
            "pitr.bench",
            "pitr.demo");
    assertThat(REFS.byClass.get("pitr.cli.BenchCopyBackCommand"))
        .contains("pitr.bench.CopyBackBenchmark", "pitr.cli.Main", "pitr.ErrorCode");
    assertThat(REFS.byClass.get("pitr.cli.DrillCommand")).contains("pitr.local.LocalEngine");
  }

  @Test
  void engine_importsNothingOfTheToolkit_butTheItemSizeArithmetic() {
    List<String> violations =
        REFS.violations(
            pkg -> in(pkg, "pitr.local"),
            (from, to) ->
                isPitr(to)
                    && !in(ClassReferences.packageOf(to), "pitr.local")
                    && !to.equals("pitr.dynamo.ItemSizes"));

    assertThat(violations).as("pitr.local may use only pitr.dynamo.ItemSizes").isEmpty();
  }

  @Test
  void onlyTheCommandLineTheBenchmarksAndTheDemo_useTheEngine() {
    List<String> violations =
        REFS.violations(
            pkg ->
                !in(pkg, "pitr.local")
                    && !in(pkg, "pitr.cli")
                    && !in(pkg, "pitr.bench")
                    && !in(pkg, "pitr.demo"),
            (from, to) -> in(ClassReferences.packageOf(to), "pitr.local"));

    assertThat(violations)
        .as("the toolkit must work the same against AWS; pass an interface the CLI implements")
        .isEmpty();
  }

  @Test
  void nothingButTheCommandLine_dependsOnTheCommandLine() {
    List<String> violations =
        REFS.violations(
            pkg -> !in(pkg, "pitr.cli"),
            (from, to) -> in(ClassReferences.packageOf(to), "pitr.cli"));

    assertThat(violations)
        .as("the CLI calls in and passes what is needed as arguments or callbacks")
        .isEmpty();
  }

  private static final String CLIENT =
      "software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient";

  /** Client methods that make no DynamoDB call: building and closing a client. */
  private static final Set<String> NOT_CALLS = Set.of("builder", "create", "close");

  /** Calls still made around the gateway, each to move onto it: remove the entry when it does. */
  private static final Set<String> NOT_YET_MOVED = Set.of();

  @Test
  void everyDynamoDbCall_goesThroughTheGateway_butTheBenchmarksMeasuringTheRawClient() {
    List<String> violations = new ArrayList<>();
    REFS.calls.forEach(
        (cls, calls) -> {
          String pkg = ClassReferences.packageOf(cls);
          if (in(pkg, "pitr.dynamo") || in(pkg, "pitr.local") || in(pkg, "pitr.bench")) {
            return;
          }
          for (String call : calls) {
            String method = call.substring(call.indexOf('#') + 1);
            if (call.startsWith(CLIENT + "#")
                && !NOT_CALLS.contains(method)
                && !NOT_YET_MOVED.contains(cls + "#" + method)) {
              violations.add(cls + " calls DynamoDbAsyncClient." + method);
            }
          }
        });

    assertThat(violations)
        .as("call DynamoDB through pitr.dynamo.DynamoDbGateway (retries, errors, pagination)")
        .isEmpty();
  }
}
