package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class FileCheckpointsTest {
  @TempDir Path state;

  @Test
  void positions_ignoreTheHalfWrittenFilesOfAKilledProcess() throws Exception {
    FileCheckpoints checkpoints = FileCheckpoints.in(state);
    checkpoints.open(new CopyRunRecord("r1", "a-rec", "a", 4, null, null, false, null)).block();
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
}
