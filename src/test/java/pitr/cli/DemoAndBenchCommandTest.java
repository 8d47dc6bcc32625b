package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoAndBenchCommandTest {
  @Test
  void localDemo_recoversEveryDamagedItem_andExitsZero() {
    CliRun run = new CliRun();

    int code = run.execute("local", "demo", "--items", "600");

    assertThat(code).isZero();
    assertThat(run.out())
        .contains("2. Seed 600 cars with a price")
        .contains("   190 prices zeroed, 30 cars deleted")
        .contains("   220 items differ; copying them back")
        .contains("items still wrong or missing: 0")
        .contains("RESULT: table verified identical to its state before the migration");
  }

  @Test
  void localDemo_withItemsOutOfRange_isAUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("local", "demo", "--items", "0");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --items 0 is out of range; pass 1-1,000,000\n");
  }

  @Test
  void benchRestore_restoresEveryItem() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "restore", "--items", "2000");

    assertThat(code).isZero();
    assertThat(run.out()).contains("| 2,000 | 200 |").contains("| 2,000 |\n");
  }

  @Test
  void benchRollback_plansTheSameItemsFromTheExportAndFromRestores_sideBySide() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "rollback", "--items", "2000", "--rounds", "1");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("\\| export \\| 2,000 \\| 20 \\| 20 \\| [0-9.]+ \\| 20\\.0 \\| 20\\.0 \\|")
        .containsPattern("\\| restore \\| 2,000 \\| 20 \\| 20 \\| ")
        .contains("Medians of 1 interleaved rounds.");
  }

  @Test
  void benchEngineScale_reportsEverySize_andBytesPerPutWithADataDir(@TempDir Path dir) {
    CliRun run = new CliRun();

    int code =
        run.execute(
            "bench",
            "engine-scale",
            "--items",
            "100,200",
            "--seconds",
            "0.2",
            "--rounds",
            "1",
            "--data-dir",
            dir.toString());

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .doesNotContain("10,000")
        .containsPattern(
            "\\| 100 \\| \\d+ \\| [\\d.]+ \\| -?[\\d,]+ \\| -?[\\d,]+ \\| [\\d.]+ \\| [\\d,]+ \\| [\\d,]+"
                + " \\| [\\d.]+ \\| \\d+\\.\\d{3} \\| [\\d,]+ \\|")
        .containsPattern("\\| 200 \\| .*\\|\\n")
        .containsPattern("\\| 200 \\| \\d+\\.\\d\\dx \\| \\d+\\.\\d\\dx \\|");
  }

  @Test
  void benchEngineScale_withNoUpdateAll_measuresFreshTablesAndSaysTheUpdatedColumnsWereNotRun() {
    CliRun run = new CliRun();

    int code =
        run.execute(
            "bench",
            "engine-scale",
            "--items",
            "100",
            "--seconds",
            "0.2",
            "--rounds",
            "1",
            "--no-update-all");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .doesNotContain("updating all")
        .containsPattern(
            "\\| 100 \\| \\d+ \\| [\\d.]+ \\| -?[\\d,]+ \\| n/a \\| n/a \\| [\\d,]+ \\| [\\d,]+"
                + " \\| [\\d.]+ \\| \\d+\\.\\d{3} \\| n/a \\|");
  }

  /** The lines of the tables {@code bench engine-scale ARGS} prints, at 10 and 20 items. */
  private static List<String> engineScaleTables(String... more) {
    CliRun run = new CliRun();
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "engine-scale",
                "--items",
                "10,20",
                "--seconds",
                "0.2",
                "--rounds",
                "1",
                "--no-update-all"));
    args.addAll(List.of(more));

    int code = run.execute(args.toArray(String[]::new));

    assertThat(code).as(run.err()).isZero();
    return run.out().lines().filter(l -> l.startsWith("|")).toList();
  }

  /** {@code --http} also times point reads and writes over HTTP: its columns come last. */
  @Test
  void benchEngineScale_withAndWithoutHttp_printsTheSameTables_withTheHttpColumnsLastOnlyWithIt() {
    String absolute =
        "| items | item bytes | load s | heap bytes/item | heap bytes/item, all updated |"
            + " update-all s | gets/s | puts/s | restore s | first read of restored s | bytes"
            + " written/put |";
    String row =
        "\\| [12]0 \\| \\d+ \\| [\\d.]+ \\| -?[\\d,]+ \\| n/a \\| n/a \\| [\\d,]+ \\| [\\d,]+"
            + " \\| [\\d.]+ \\| \\d+\\.\\d{3} \\| n/a \\|";
    String ratio = "\\| [12]0 \\| \\d+\\.\\d\\dx \\| \\d+\\.\\d\\dx \\|";

    List<String> plain = engineScaleTables();
    List<String> http = engineScaleTables("--http");

    assertThat(plain).hasSize(8);
    assertThat(plain.get(0)).isEqualTo(absolute);
    assertThat(plain.get(1)).isEqualTo("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    assertThat(plain.get(2)).matches("\\| 10 \\|.*").matches(row);
    assertThat(plain.get(3)).matches("\\| 20 \\|.*").matches(row);
    assertThat(plain.get(4)).isEqualTo("| items | gets/s vs 10 | puts/s vs 10 |");
    assertThat(plain.get(5)).isEqualTo("|---:|---:|---:|");
    assertThat(plain.get(6)).isEqualTo("| 10 | 1.00x | 1.00x |");
    assertThat(plain.get(7)).matches("\\| 20 \\|.*").matches(ratio);

    assertThat(http).hasSize(8);
    assertThat(http.get(0)).isEqualTo(absolute + " gets/s, HTTP | puts/s, HTTP |");
    assertThat(http.get(1))
        .isEqualTo("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    assertThat(http.get(2))
        .matches("\\| 10 \\|.*")
        .matches(row + " [1-9][\\d,]* \\| [1-9][\\d,]* \\|");
    assertThat(http.get(3))
        .matches("\\| 20 \\|.*")
        .matches(row + " [1-9][\\d,]* \\| [1-9][\\d,]* \\|");
    assertThat(http.get(4))
        .isEqualTo("| items | gets/s vs 10 | puts/s vs 10 | gets/s, HTTP | puts/s, HTTP |");
    assertThat(http.get(5)).isEqualTo("|---:|---:|---:|---:|---:|");
    assertThat(http.get(6)).isEqualTo("| 10 | 1.00x | 1.00x | 1.00x | 1.00x |");
    assertThat(http.get(7))
        .matches("\\| 20 \\|.*")
        .matches(ratio + " \\d+\\.\\d\\dx \\| \\d+\\.\\d\\dx \\|");
  }

  @Test
  void benchEngineScale_withSecondsBelowATenth_isAUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "engine-scale", "--items", "10", "--seconds", "0.05");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --seconds 0.05 is out of range; pass 0.1-3,600");
  }

  @Test
  void benchEngineScale_withTooFewItems_isAUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "engine-scale", "--items", "10000,5");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --items 5 is out of range; pass 10-100,000,000\n");
  }

  @Test
  void benchEngine_withZeroSeconds_isAUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "engine", "--seconds", "0");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --seconds 0 is out of range; pass 1-3,600\n");
  }

  @Test
  void benchCopyBack_measuresEveryPart_withTheRealCommandInAChildJvmAndTheBoto3Peer()
      throws Exception {
    boolean boto3 =
        new ProcessBuilder("python3", "-c", "import boto3")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor()
            == 0;
    CliRun run = new CliRun();

    int code =
        run.execute(
            "bench",
            "copy-back",
            "--items",
            "3000",
            "--rounds",
            "1",
            "--rate-wcu",
            "500",
            "--rate-rcu",
            "100",
            "--rate-seconds",
            "2",
            "--child-heap",
            "256m",
            "--peer",
            boto3 ? "bench/copy_boto3.py" : "none");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("3,000 items of ~1 KB")
        .containsPattern(
            "\\| copy-back / raw \\(median of per-round ratios\\) \\| \\d+\\.\\d\\d \\|")
        .containsPattern(
            "\\| --max-wcu 500 for 2 s: achieved WCU/s \\| [\\d,]+ \\([+-]\\d+\\.\\d%\\)")
        .containsPattern(
            "\\| --max-rcu 100 for 2 s: achieved RCU/s \\| [\\d,]+ \\([+-]\\d+\\.\\d%\\)")
        .containsPattern(
            "\\| 10% of requests throttled, no cap: items/s \\(share of the unthrottled copy\\)"
                + " \\| [\\d,]+ \\(\\d+\\.\\d\\d\\)")
        .containsPattern(
            "\\| 10% of requests throttled, --max-wcu 500: items/s \\(share of the cap\\)"
                + " \\| [\\d,]+ \\(\\d+\\.\\d\\d\\)")
        .containsPattern("peak in use / most left after a GC / time in GC \\| \\d+ MB / \\d+ MB");
    if (boto3) {
      assertThat(run.out()).containsPattern("\\| pitr / boto3 \\| \\d+\\.\\dx \\|");
    }
  }

  @Test
  void benchCopyBack_withoutThePeerScript_isAUsageErrorNamingTheFix() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "copy-back", "--items", "3000", "--peer", "no/such.py");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).contains("peer script no/such.py not found").contains("--peer none");
  }
}
