package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code pitr local serve} refuses bad options with exit 2 and a message naming the option, before
 * it starts anything, and reads durations as 90s, 15m, 2h, 1d or ISO-8601. Numbers and durations
 * are refused when the command line is parsed, in the one format of every command ({@link Ranges}).
 */
class ServeOptionsTest {
  private static final String ADDRESSES =
      "pass an address of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every"
          + " interface)\n";

  @TempDir Path dir;

  /** Runs serve with {@code args} and a data directory that a started engine would create. */
  private CliRun refused(String... args) {
    Path data = dir.resolve("data");
    List<String> all = new ArrayList<>(List.of("local", "serve", "--data-dir", data.toString()));
    all.addAll(List.of(args));
    if (!all.contains("--port")) {
      // Were the options wrongly accepted, serve on a free port, not 8000.
      all.addAll(List.of("--port", "0"));
    }
    CliRun run = new CliRun();

    int code = run.execute(all.toArray(String[]::new));

    assertThat(code).as(run.err()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(Files.exists(data)).as("data directory created").isFalse();
    return run;
  }

  @ParameterizedTest
  @CsvSource({
    "90s,PT1M30S",
    "15m,PT15M",
    "2h,PT2H",
    "1d,PT24H",
    "PT5M,PT5M",
    "0,PT0S",
    "1h30m,PT1H30M"
  })
  void durations_takeShortFormsAndIso8601(String text, String expected) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--restore-lag", text, "--restore-duration", text);

    assertThat(serve.restoreLag).isEqualTo(Duration.parse(expected));
    assertThat(serve.restoreDuration).isEqualTo(Duration.parse(expected));
  }

  @Test
  void valuesAtTheEndsOfTheirRanges_areAccepted() {
    ServeCommand low = new ServeCommand();
    new CommandLine(low)
        .parseArgs(
            "--port",
            "0",
            "--burst-seconds",
            "0",
            "--on-demand-max-wcu",
            "0",
            "--on-demand-max-rcu",
            "0",
            "--restore-lag",
            "0s",
            "--restore-duration",
            "0s");
    ServeCommand high = new ServeCommand();
    new CommandLine(high)
        .parseArgs(
            "--port",
            "65535",
            "--burst-seconds",
            "3600",
            "--on-demand-max-wcu",
            "1000000",
            "--on-demand-max-rcu",
            "1000000",
            "--restore-lag",
            "1d",
            "--restore-duration",
            "24h");

    assertThat(List.of(low.port, low.burstSeconds, low.onDemandMaxWcu, low.onDemandMaxRcu))
        .containsExactly(0, 0L, 0L, 0L);
    assertThat(List.of(low.restoreLag, low.restoreDuration)).containsOnly(Duration.ZERO);
    assertThat(List.of(high.port, high.burstSeconds, high.onDemandMaxWcu, high.onDemandMaxRcu))
        .containsExactly(65535, 3600L, 1_000_000L, 1_000_000L);
    assertThat(List.of(high.restoreLag, high.restoreDuration)).containsOnly(Duration.ofDays(1));
  }

  @Test
  void durations_defaultToNoRestoreTimeAndOneSecondOfLag() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs();

    assertThat(serve.restoreDuration).isZero();
    assertThat(serve.restoreLag).isEqualTo(Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @CsvSource({"--restore-lag,-5m", "--restore-duration,-90s", "--restore-lag,PT-5M"})
  void negativeDuration_isRefusedNamingTheOption(String option, String value) {
    CliRun run = refused(option, value);

    assertThat(run.err())
        .isEqualTo("error: " + option + " " + value + " is negative; pass 0s-1d\n");
  }

  @ParameterizedTest
  @CsvSource({"--restore-duration,2d", "--restore-lag,24h1s"})
  void tooLongDuration_isRefusedNamingTheOption(String option, String value) {
    CliRun run = refused(option, value);

    assertThat(run.err())
        .isEqualTo("error: " + option + " " + value + " is out of range; pass 0s-1d\n");
  }

  @Test
  void lifecycleOptions_defaultToNoDelayAndAFiveSecondSweep() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs();

    assertThat(List.of(serve.createDuration, serve.updateDuration, serve.deleteDuration))
        .containsOnly(Duration.ZERO);
    assertThat(serve.ttlSweepInterval).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void lifecycleOptions_takeDurations() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs(
            "--create-duration",
            "30s",
            "--update-duration",
            "2m",
            "--delete-duration",
            "1d",
            "--ttl-sweep-interval",
            "1s");

    assertThat(
            List.of(
                serve.createDuration,
                serve.updateDuration,
                serve.deleteDuration,
                serve.ttlSweepInterval))
        .containsExactly(
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            Duration.ofDays(1),
            Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @CsvSource({"--create-duration,-1s", "--update-duration,-2m", "--delete-duration,-1h"})
  void negativeLifecycleDuration_isRefusedNamingTheOption(String option, String value) {
    CliRun run = refused(option, value);

    assertThat(run.err())
        .isEqualTo("error: " + option + " " + value + " is negative; pass 0s-1d\n");
  }

  @ParameterizedTest
  @CsvSource({"0s", "500ms", "2d"})
  void ttlSweepIntervalOutsideOneSecondToADay_isRefused(String value) {
    CliRun run = refused("--ttl-sweep-interval", value);

    assertThat(run.err()).startsWith("error: --ttl-sweep-interval " + value + " is ");
    assertThat(run.err()).endsWith("; pass 1s-1d\n");
  }

  @Test
  void unreadableDuration_isAUsageErrorNamingTheOption() {
    CliRun run = refused("--restore-lag", "5x");

    assertThat(run.err())
        .isEqualTo(
            "error: --restore-lag 5x is not a duration; pass 0s-1d (durations look like 90s, 15m,"
                + " 2h, 1d or PT2H)\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--port|-1|--port -1 is out of range; pass 0-65535 (0 picks a free port)",
        "--port|8000.5|--port 8000.5 is not a whole number; pass 0-65535 (0 picks a free port)",
        "--burst-seconds|-1|--burst-seconds -1 is out of range; pass 0-3,600 (DynamoDB banks 300)",
        "--burst-seconds|3601|--burst-seconds 3601 is out of range; pass 0-3,600 (DynamoDB banks"
            + " 300)",
        "--on-demand-max-wcu|-5|--on-demand-max-wcu -5 is out of range; pass 0-1,000,000 (0 = no"
            + " limit)",
        "--on-demand-max-rcu|1000001|--on-demand-max-rcu 1000001 is out of range; pass"
            + " 0-1,000,000 (0 = no limit)",
        "--on-demand-max-rcu|lots|--on-demand-max-rcu lots is not a whole number; pass"
            + " 0-1,000,000 (0 = no limit)"
      })
  void numberOutOfRange_isRefusedNamingTheOption(String option, String value, String message) {
    CliRun run = refused(option, value);

    assertThat(run.err()).isEqualTo("error: " + message + "\n");
  }

  @Test
  void faultRateAboveOne_isRefused() {
    CliRun run = refused("--faults", "throttle=50");

    assertThat(run.err())
        .isEqualTo(
            "error: --faults: fault rate throttle=50.0 is not between 0 and 1; rates are fractions"
                + " of requests (0.05 is 5%)\n");
  }

  @Test
  void negativeFaultDelay_isRefused() {
    CliRun run = refused("--faults", "latency=0.5,delay=-5ms");

    assertThat(run.err())
        .isEqualTo(
            "error: --faults: fault delay=-5ms is negative; pass 0 or more, e.g. delay=50ms\n");
  }

  @Test
  void hostThatIsNoAddress_isRefusedAsUnresolvable_notAsAPortInUse() {
    CliRun run = refused("--host", "999.1.1.1");

    assertThat(run.err())
        .isEqualTo("error: --host 999.1.1.1 cannot be resolved to an address; " + ADDRESSES);
  }

  @Test
  void hostNameThatDoesNotResolve_isRefused() {
    CliRun run = refused("--host", "no-such-host.invalid");

    assertThat(run.err())
        .isEqualTo(
            "error: --host no-such-host.invalid cannot be resolved to an address; " + ADDRESSES);
  }

  @Test
  void hostOfAnotherMachine_isRefused() {
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): never an address of this machine.
    CliRun run = refused("--host", "192.0.2.1");

    assertThat(run.err())
        .isEqualTo("error: --host 192.0.2.1 is not an address of this machine; " + ADDRESSES);
  }

  @Test
  void iamPolicy_notKeyEqualsFile_isRefused() {
    CliRun run = refused("--iam-policy", "restore.json");

    assertThat(run.err())
        .isEqualTo(
            "error: --iam-policy restore.json: expected ACCESS_KEY=FILE, e.g. --iam-policy"
                + " AKIDRESTORE=restore-policy.json (pitr iam-policy COMMAND prints one)\n");
  }

  @Test
  void iamPolicy_fileThatIsNoPolicy_isRefusedSayingWhy() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.json"), "{\"Version\":\"2012-10-17\"}");

    CliRun run = refused("--iam-policy", "AKID=" + policy);

    assertThat(run.err())
        .isEqualTo(
            "error: --iam-policy AKID="
                + policy
                + ": "
                + policy
                + " is not an IAM policy document: the policy has no Statement; give one like"
                + " 'pitr iam-policy restore --table orders' prints\n");
  }

  @Test
  void iamPolicy_missingFile_isRefused() {
    Path missing = dir.resolve("missing.json");

    CliRun run = refused("--iam-policy", "AKID=" + missing);

    assertThat(run.err()).startsWith("error: --iam-policy AKID=" + missing + ": cannot read ");
  }
}
