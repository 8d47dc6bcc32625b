package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.SealedLines;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class FileCheckpointsTest {
  @TempDir Path state;

  @Test
  void positions_ignoreTheHalfWrittenFilesOfAKilledProcess() throws Exception {
    FileCheckpoints checkpoints = FileCheckpoints.in(state);
    checkpoints.open(CopyRunRecord.opened("r1", "a-rec", "a", 4, null)).block();
    checkpoints
        .save("r1", new SegmentPosition(1, Map.of("pk", AttributeValue.fromS("k7")), false))
        .block();
    checkpoints.heartbeat("r1", Worker.ALL, Instant.parse("2026-11-30T03:00:00Z"), false).block();
    Path run = state.resolve("runs").resolve("r1");
    Files.writeString(run.resolve("segment-000001.json.tmp4242-17"), "{\"segm");
    Files.writeString(run.resolve("segment-000002.json.tmp4242-18"), "");
    Files.writeString(run.resolve("lease-1-of-1.json.tmp4242-19"), "{");

    assertThat(checkpoints.positions("r1").block())
        .containsExactly(
            Map.entry(1, new SegmentPosition(1, Map.of("pk", AttributeValue.fromS("k7")), false)));
    assertThat(checkpoints.find("r1").block().heartbeat())
        .isEqualTo(Instant.parse("2026-11-30T03:00:00Z"));
  }

  private FileCheckpoints started() {
    FileCheckpoints checkpoints = FileCheckpoints.in(state);
    checkpoints
        .open(
            CopyRunRecord.opened(
                "r1", "a-rec", "a", 4, new RunLimits(2000, 0, 2, null, null, null, null)))
        .block();
    checkpoints
        .save("r1", new SegmentPosition(1, Map.of("pk", AttributeValue.fromS("k7")), false))
        .block();
    return checkpoints;
  }

  private Path run() {
    return state.resolve("runs").resolve("r1");
  }

  @Test
  void checkpoints_areSealedAndReadableByTheirOwnerOnly_andKeepTheRunsLimits() throws Exception {
    FileCheckpoints checkpoints = started();

    for (String name : List.of("run.json", "segment-000001.json")) {
      Path file = run().resolve(name);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(SealedLines.readAll(file, "Checkpoint", "fix")).hasSize(1);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run())))
        .isEqualTo("rwx------");
    assertThat(checkpoints.find("r1").block().limits())
        .isEqualTo(new RunLimits(2000, 0, 2, null, null, null, null));
  }

  @Test
  void find_whenRunJsonIsEmpty_refusesNamingTheFileAndHowToStartOver() throws Exception {
    FileCheckpoints checkpoints = started();
    Files.writeString(run().resolve("run.json"), "");

    assertThatThrownBy(() -> checkpoints.find("r1").block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Checkpoint "
                + run().resolve("run.json")
                + " cannot be trusted: it is empty; to start over, start a new run without"
                + " --resume (items already copied are written again, which is safe), or delete"
                + " folder "
                + run()
                + " to forget run r1. Nothing was changed.");
  }

  @Test
  void positions_whenASegmentFileIsCutOrEdited_refuseNamingTheFileAndTheFix() throws Exception {
    FileCheckpoints checkpoints = started();
    Path segment = run().resolve("segment-000001.json");
    String text = Files.readString(segment);
    Files.writeString(segment, text.substring(0, 30));

    assertThatThrownBy(() -> checkpoints.positions("r1").block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Checkpoint "
                + segment
                + " cannot be trusted: it is not whole JSON, so it was cut short or edited after"
                + " pitr wrote it; delete it to copy that segment again from its start (copy-back"
                + " writes are safe to repeat). Nothing was changed.");

    Files.writeString(segment, text.replace("k7", "k8"));
    assertThatThrownBy(() -> checkpoints.positions("r1").block())
        .hasMessage(
            "Checkpoint "
                + segment
                + " cannot be trusted: its content does not match the SHA-256 in its seal, so it"
                + " was edited after pitr wrote it; delete it to copy that segment again from its"
                + " start (copy-back writes are safe to repeat). Nothing was changed.");

    CheckpointFile.write(segment, new ObjectMapper().readTree("{\"segment\":1}"));
    assertThatThrownBy(() -> checkpoints.positions("r1").block())
        .hasMessageContaining(
            " cannot be trusted: its field \"done\" is missing or not true or false; delete it");
  }

  @Test
  void find_ofACheckpointWrittenByAnOlderPitrWithoutSeal_readsIt() throws Exception {
    Files.createDirectories(run());
    Files.writeString(
        run().resolve("run.json"),
        "{\"runId\":\"r1\",\"source\":\"a-rec\",\"target\":\"a\",\"totalSegments\":4}");
    Files.writeString(
        run().resolve("lease-1-of-1.json"),
        "{\"heartbeat\":\"2026-11-30T03:00:00Z\",\"finished\":true}");

    CopyRunRecord r = FileCheckpoints.in(state).find("r1").block();

    assertThat(r.source()).isEqualTo("a-rec");
    assertThat(r.limits()).isNull();
    assertThat(r.finished()).isTrue();
  }

  @Test
  void failureLogs_areKeptPerFailureFile() {
    FileCheckpoints checkpoints = started();
    Path a = state.resolve("a.jsonl");
    checkpoints.saveFailureLog("r1", new FailureLog(a, Worker.ALL, 0, false)).block();
    checkpoints.saveFailureLog("r1", new FailureLog(a, Worker.ALL, 7, false)).block();
    checkpoints
        .saveFailureLog("r1", new FailureLog(state.resolve("b.jsonl"), new Worker(2, 3), 1, true))
        .block();

    assertThat(checkpoints.failureLogs("r1").block())
        .containsExactlyInAnyOrder(
            new FailureLog(a, Worker.ALL, 7, false),
            new FailureLog(state.resolve("b.jsonl"), new Worker(2, 3), 1, true));
  }
}
