package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.Exceptions;

class PitrCommandTest {
  @Command(name = "boom")
  static final class BoomCommand implements Callable<Integer> {
    RuntimeException failure;

    @Override
    public Integer call() {
      throw failure;
    }
  }

  private static CliRun withBoom(RuntimeException failure) {
    CliRun run = new CliRun();
    BoomCommand boom = new BoomCommand();
    boom.failure = failure;
    run.commandLine.addSubcommand("boom", boom);
    return run;
  }

  @Test
  void help_printsUsageWithGlobalOptions_andExitsZero() {
    CliRun run = new CliRun();

    int code = run.execute("--help");

    assertThat(code).isZero();
    assertThat(run.out())
        .startsWith("Usage: pitr ")
        .contains("--endpoint-url=URL")
        .contains("--local")
        .contains("--region=REGION")
        .contains("--profile=NAME")
        .contains("--output=text|json")
        .contains("--verbose")
        .contains("--stacktrace")
        .containsPattern("\\n  local +Run the embedded DynamoDB-compatible engine\\.\\n")
        .containsPattern("\\n  bench +Measure pitr")
        .containsPattern("\\n  migrate +");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void version_printsManifestVersionOrDev() {
    CliRun run = new CliRun();

    int code = run.execute("--version");

    assertThat(code).isZero();
    assertThat(run.out()).isEqualTo("pitr " + ManifestVersionProvider.version() + "\n");
    assertThat(ManifestVersionProvider.version()).isEqualTo("dev");
  }

  @Test
  void unknownOption_exitsWithUsageError_andAHint() {
    CliRun run = new CliRun();

    int code = run.execute("--bogus");

    assertThat(code).isEqualTo(ErrorCode.USAGE.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("error: Unknown option: '--bogus'\nTry 'pitr --help' for more information.\n");
  }

  @Test
  void unknownSubcommandOption_namesTheSubcommandInTheHint() {
    CliRun run = new CliRun();

    int code = run.execute("local", "serve", "--prot", "1");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: Unknown options: '--prot', '1'\n")
        .endsWith("Try 'pitr local serve --help' for more information.\n");
  }

  @Test
  void noSubcommand_exitsWithUsageError() {
    CliRun run = new CliRun();

    int code = run.execute();

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("error: Missing subcommand\nTry 'pitr --help' for more information.\n");
  }

  @Test
  void invalidOutputFormat_exitsWithUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("--output", "yaml", "local");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "error: Invalid value for option '--output': expected one of [TEXT, JSON]"
                + " (case-insensitive) but was 'yaml'\n");
  }

  @Test
  void globalOptions_areAcceptedAfterTheSubcommand_andReachTheRoot() {
    CliRun run = withBoom(new PitrException(ErrorCode.OK, "fine"));

    run.execute("boom", "--verbose", "--output", "JSON", "--local", "--region", "eu-west-1");

    assertThat(run.root().verbose()).isTrue();
    assertThat(run.root().output().format()).isEqualTo(OutputOptions.Format.JSON);
    assertThat(run.root().target().local).isTrue();
    assertThat(run.root().target().region).isEqualTo("eu-west-1");
  }

  @Test
  void pitrException_printsItsMessage_andExitsWithItsCode() {
    CliRun run =
        withBoom(
            new PitrException(
                ErrorCode.REFUSED,
                "Table orders has point-in-time recovery off; enable it with"
                    + " 'aws dynamodb update-continuous-backups' and rerun"));

    int code = run.execute("boom");

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo(
            "error: Table orders has point-in-time recovery off; enable it with"
                + " 'aws dynamodb update-continuous-backups' and rerun\n");
  }

  @Test
  void pitrException_wrappedInCompletionException_isUnwrapped() {
    CliRun run =
        withBoom(new CompletionException(new PitrException(ErrorCode.PARTIAL, "3 items failed")));

    int code = run.execute("boom");

    assertThat(code).isEqualTo(4);
    assertThat(run.err()).isEqualTo("error: 3 items failed\n");
  }

  @Test
  void failuresOfParallelWork_reportTheirMostTellingFailure_notTheCompositeThatHoldsThem() {
    // Two scans denied at once reach the handler as one Reactor composite.
    CliRun run =
        withBoom(
            Exceptions.multiple(
                new IllegalStateException("scan of orders-recovery failed"),
                new CompletionException(
                    new PitrException(ErrorCode.REFUSED, "Access denied: dynamodb:Scan on orders")),
                new PitrException(ErrorCode.REFUSED, "Access denied: dynamodb:Scan on orders-b")));

    int code = run.execute("boom");

    assertThat(code).isEqualTo(3);
    assertThat(run.err()).isEqualTo("error: Access denied: dynamodb:Scan on orders\n");
  }

  @Test
  void failuresOfParallelWork_withNoneOfPitrsOwn_reportTheFirst() {
    CliRun run =
        withBoom(
            Exceptions.multiple(
                new IllegalStateException("disk on fire"), new IllegalStateException("and more")));

    int code = run.execute("boom");

    assertThat(code).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "error: IllegalStateException: disk on fire\nRerun with --stacktrace for details.\n");
  }

  @Test
  void unexpectedFailure_exitsOne_withShortMessage_andStackTraceOnlyOnRequest() {
    CliRun quiet = withBoom(new IllegalStateException("disk on fire"));
    CliRun traced = withBoom(new IllegalStateException("disk on fire"));

    int quietCode = quiet.execute("boom");
    int tracedCode = traced.execute("--stacktrace", "boom");

    assertThat(quietCode).isEqualTo(1);
    assertThat(quiet.err())
        .isEqualTo(
            "error: IllegalStateException: disk on fire\nRerun with --stacktrace for details.\n");
    assertThat(tracedCode).isEqualTo(1);
    assertThat(traced.err())
        .startsWith(
            "error: IllegalStateException: disk on fire\n"
                + "java.lang.IllegalStateException: disk on fire\n\tat ");
  }
}
