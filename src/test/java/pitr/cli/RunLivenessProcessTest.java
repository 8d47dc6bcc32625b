package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import pitr.copy.CopyRunRecord;
import pitr.copy.FileCheckpoints;
import pitr.copy.RunOwner;
import pitr.dynamo.LocalTarget;
import pitr.restore.RecoveryTags;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A real copy-back process, heartbeating every second ({@code -Dpitr.heartbeat=1s}, so its lease is
 * three seconds), renews its heartbeat while a slow page is written, is reported running while it
 * lives, and dead once killed with SIGKILL; abandoning it then lets {@code pitr drop} go ahead.
 */
@ExtendWith(SharedEngine.class)
class RunLivenessProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ITEMS = 2000;

  private static LocalCli cli;

  @TempDir Path dir;

  @BeforeAll
  static void start(LocalCli shared) {
    cli = shared;
    cli.local.createTable("killed-rec");
    cli.local.createTable("killed");
    String arn =
        cli.local.client.describeTable(r -> r.tableName("killed-rec")).join().table().tableArn();
    cli.local
        .client
        .tagResource(
            r -> r.resourceArn(arn).tags(t -> t.key(RecoveryTags.RECOVERY_OF).value("killed")))
        .join();
    // Items of about 950 bytes, one write unit each: about 1,100 to a 1 MB page, so at 100 WCU/s
    // the first page of a segment takes about ten seconds to write.
    List<WriteRequest> batch = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      var item = LocalTarget.item(i, "good", 900);
      batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
      if (batch.size() == 25) {
        cli.local.engine.batchWriteItem(
            BatchWriteItemRequest.builder().requestItems(Map.of("killed-rec", batch)).build());
        batch = new ArrayList<>();
      }
    }
  }

  @Test
  void copyBack_killedWithSigkill_isRunningWhileAliveThenDeadUntilAbandonedAndDropped()
      throws Exception {
    Path state = dir.resolve("state");
    FileCheckpoints checkpoints = FileCheckpoints.in(state);
    List<String> command = ChildJvm.pitr("--endpoint-url", cli.local.endpoint());
    command.add(1, "-Dpitr.heartbeat=1s");
    command.addAll(
        List.of(
            "copy-back",
            "--from",
            "killed-rec",
            "--to",
            "killed",
            "--segments",
            "1",
            "--concurrency",
            "1",
            "--max-wcu",
            "100",
            "--run-id",
            "k1",
            "--state-dir",
            state.toString()));
    Path logs = Files.createTempDirectory(dir, "child");
    Process child =
        new ProcessBuilder(command)
            .redirectOutput(logs.resolve("out").toFile())
            .redirectError(logs.resolve("err").toFile())
            .start();
    String owner;
    Instant last;
    try {
      Poll.until(
          Duration.ofSeconds(60),
          "first heartbeat of run k1",
          () ->
              checkpoints.find("k1").blockOptional().map(r -> r.heartbeat() != null).orElse(false));
      CopyRunRecord first = checkpoints.find("k1").block();
      owner = first.owner().describe();
      assertThat(first.owner())
          .isEqualTo(new RunOwner(RunOwner.current().host(), child.pid(), null));
      // Renewed twice while the first page is still being written: no checkpoint saved yet.
      Poll.until(
          Duration.ofSeconds(10),
          "heartbeat renewed twice",
          () ->
              !checkpoints
                  .find("k1")
                  .block()
                  .heartbeat()
                  .isBefore(first.heartbeat().plusSeconds(2)));
      assertThat(checkpoints.positions("k1").block()).isEmpty();
      assertThat(child.isAlive()).isTrue();

      assertThat(cli.exitWithState(state, "--output", "json", "runs", "show", "k1")).isZero();
      assertThat(JSON.readTree(cli.last.out()).get("state").asText()).isEqualTo("running");
      assertThat(cli.exitWithState(state, "drop", "killed-rec", "--yes")).isEqualTo(3);
      assertThat(cli.last.err())
          .startsWith(
              "error: Table killed-rec is being copied back by run k1, which is running (last"
                  + " heartbeat at ")
          .endsWith(" from " + owner + "); wait for it to finish\n");
      assertThat(cli.exitWithState(state, "runs", "abandon", "k1", "--yes")).isEqualTo(3);
      assertThat(cli.last.err()).startsWith("error: Run k1 is running: last heartbeat at ");

      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as("exit code of the killed process").isNotZero();

    Poll.until(
        Duration.ofSeconds(30),
        "run k1 reported dead",
        () ->
            cli.exitWithState(state, "--output", "json", "runs", "show", "k1") == 0
                && JSON.readTree(cli.last.out()).get("state").asText().equals("dead"));
    last = Instant.parse(JSON.readTree(cli.last.out()).get("heartbeat").asText());

    assertThat(cli.exitWithState(state, "drop", "killed-rec", "--yes")).isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table killed-rec is being copied back by run k1, which is dead (last heartbeat"
                + " at "
                + last
                + " from "
                + owner
                + "): resume it with pitr --endpoint-url "
                + cli.local.endpoint()
                + " copy-back --resume k1 --state-dir "
                + state
                + " (its checkpoints are intact), or release it with pitr --endpoint-url "
                + cli.local.endpoint()
                + " runs abandon k1 --state-dir "
                + state
                + " and drop again (or drop anyway with --force)\n");

    assertThat(cli.exitWithState(state, "runs", "abandon", "k1", "--yes"))
        .as(cli.last.err())
        .isZero();
    assertThat(cli.exitWithState(state, "drop", "killed-rec", "--yes")).as(cli.last.err()).isZero();
    assertThat(cli.local.client.listTables().join().tableNames()).doesNotContain("killed-rec");
  }
}
