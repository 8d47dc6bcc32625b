package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --verbose} (in a child JVM, as the log level is read once per process) logs each DynamoDB
 * call and never a credential or an item; {@code pitr completion} scripts load in bash and complete
 * commands and table names.
 */
class VerboseAndCompletionTest {
  private static final String SECRET = "canaryVerboseSecretQ3ZX9dontLEAKme";

  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  @Test
  void verbose_logsEachDynamoDbCall_withOperationTableAndLatency_andNoSecretOrItem()
      throws Exception {
    local.createOrders();
    local.put("a", "itemValueCanary7");

    Result quiet = pitr("status", "orders", "--endpoint-url", local.endpoint);
    Result verbose = pitr("--verbose", "status", "orders", "--endpoint-url", local.endpoint);
    Result diff =
        pitr(
            "--verbose",
            "diff",
            "orders",
            "orders",
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(quiet.code).as(quiet.err).isZero();
    assertThat(quiet.err).doesNotContain("dynamodb op=");
    assertThat(verbose.code).as(verbose.err).isZero();
    assertThat(verbose.err)
        .containsPattern("dynamodb op=DescribeTable table=orders latency_ms=\\d+")
        .containsPattern("dynamodb op=DescribeContinuousBackups table=orders latency_ms=\\d+");
    assertThat(diff.code).as(diff.err).isZero();
    assertThat(diff.err).containsPattern("dynamodb op=Scan table=orders latency_ms=\\d+.* items=1");
    for (Result r : List.of(verbose, diff)) {
      assertThat(r.err + r.out).doesNotContain(SECRET).doesNotContain("itemValueCanary7");
    }
  }

  @Test
  void completionBash_loadsInBash_andCompletesCommandsOptionsAndTableNames() throws Exception {
    assumeTrue(bash(), "bash is not installed");
    CliRun run = new CliRun();
    assertThat(run.execute("completion", "bash")).as(run.err()).isZero();
    Path script = dir.resolve("pitr.bash");
    Files.writeString(script, run.out());

    Result registered = bash("source " + script + "; complete -p pitr");
    // A stand-in pitr that answers 'completion tables' as the real one would from ListTables.
    String fake =
        "pitr() { if [[ \"$1 $2\" == 'completion tables' ]]; then printf 'orders\\n"
            + "orders-recovery-7f3a\\n'; fi; }; ";
    Result commands =
        bash(
            "source "
                + script
                + "; COMP_WORDS=(pitr copy); COMP_CWORD=1; _pitr_complete; echo \"${COMPREPLY[*]}\"");
    Result tables =
        bash(
            fake
                + "source "
                + script
                + "; COMP_WORDS=(pitr status ord); COMP_CWORD=2; _pitr_complete;"
                + " echo \"${COMPREPLY[*]}\"");
    Result option =
        bash(
            fake
                + "source "
                + script
                + "; COMP_WORDS=(pitr copy-back --from orders-r); COMP_CWORD=3; _pitr_complete;"
                + " echo \"${COMPREPLY[*]}\"");

    assertThat(registered.out).contains("-F _pitr_complete").endsWith(" pitr\n");
    assertThat(commands.out.strip()).isEqualTo("copy-back");
    assertThat(tables.out.strip()).isEqualTo("orders orders-recovery-7f3a");
    assertThat(option.out.strip()).isEqualTo("orders-recovery-7f3a");
  }

  @Test
  void completionZsh_isTheBashScript_whichLoadsThroughBashcompinit() {
    CliRun bash = new CliRun();
    CliRun zsh = new CliRun();

    bash.execute("completion", "bash");
    zsh.execute("completion", "zsh");

    assertThat(zsh.out()).isEqualTo(bash.out()).contains("bashcompinit");
  }

  @Test
  void completionFish_hasALinePerCommandAndOption_andTablesFromListTables() {
    CliRun run = new CliRun();

    int code = run.execute("completion", "fish");

    assertThat(code).isZero();
    assertThat(run.out())
        .contains("complete -c pitr -n \"__pitr_at ''\" -a 'copy-back' -d 'Copy items from a")
        .contains("complete -c pitr -n \"__pitr_at 'copy-back'\" -l from -r -a '(__pitr_tables)'")
        .contains("complete -c pitr -n \"__pitr_in 'status'\" -a '(__pitr_tables)'")
        .contains("-l output -r -a 'text json'");
  }

  @Test
  void completion_ofAnUnknownShell_isRefusedWithExitCode2() {
    CliRun run = new CliRun();

    int code = run.execute("completion", "powershell");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: SHELL powershell is not a shell pitr completes in; pass bash, zsh or fish\n");
  }

  private record Result(int code, String out, String err) {}

  private Result pitr(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(ChildJvm.pitr(args));
    command.add(1, "-Daws.secretAccessKey=" + SECRET);
    command.add(1, "-Daws.accessKeyId=AKIAVERBOSECANARY");
    return run(new ProcessBuilder(command));
  }

  private static boolean bash() {
    try {
      return new ProcessBuilder("bash", "-c", "true").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static Result bash(String script) throws IOException, InterruptedException {
    return run(new ProcessBuilder("bash", "-c", script));
  }

  private static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
    Process p = builder.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }
}
