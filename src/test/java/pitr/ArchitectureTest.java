package pitr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package rules of ARCHITECTURE.md, checked on the compiled classes so that a fully qualified
 * name counts as much as an import: the engine imports nothing of the toolkit but the shared item
 * size arithmetic; only the command line, the benchmarks and the demo use the engine; nothing but
 * the command line depends on the command line.
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
}
