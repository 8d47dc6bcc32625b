package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanSpec;
import pitr.files.SealedLines;

/** The key files pitr writes and reads back: diff --keys-out, copy-back --keys, spill files. */
class KeysAndSpillFilesTest {
  @TempDir Path state;
  private CopyFixture f;

  @BeforeEach
  void start() {
    f = new CopyFixture(state).recoveryAndLive(50);
    f.local.fill("orders-rec", 0, 10, "fixed", 100);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private Path keysOut() {
    Path keys = state.resolve("keys.jsonl");
    TableDiff.create(f.local.gateway(), state.resolve("tmp"))
        .diff("orders-rec", "orders", 2, 0, keys)
        .block();
    return keys;
  }

  private CopyRequest withKeys(Path keys) {
    return CopyRequest.builder("k1", f.failures("k1"))
        .tables("orders-rec", "orders")
        .items(new CopySource.Keys(keys))
        .throughput(new CopyRequest.Throughput(0, 4, 0, 0))
        .retry(new CopyRequest.Retry(10, Duration.ofMillis(1), Duration.ofMillis(20)))
        .build();
  }

  @Test
  void keysOut_isSealedAndOwnerOnly_andCopyBackVerifiesAndCopiesIt() throws Exception {
    Path keys = keysOut();

    assertThat(SealedLines.readAll(keys, "Keys", "fix")).hasSize(50);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)))
        .isEqualTo("rw-------");
    CopyPlan plan = f.copyBack().plan(withKeys(keys)).block();
    assertThat(plan.notes()).isEmpty();
    assertThat(f.copyBack().run(plan).block().itemsWritten()).isEqualTo(50);
    assertThat(f.identical()).isTrue();
  }

  @Test
  void copyBack_withAKeysFileCutAtALineEnd_isRefusedNamingTheFix() throws Exception {
    Path keys = keysOut();
    List<String> lines = Files.readAllLines(keys);
    List<String> cut = new ArrayList<>(lines.subList(0, 20));
    cut.add(lines.get(lines.size() - 1));
    Files.write(keys, cut);
    var before = f.local.contents("orders");

    assertThatThrownBy(() -> f.copyBack().run(withKeys(keys)).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--keys file "
                + keys
                + " cannot be trusted: it holds 20 lines where its seal says 50, so lines were"
                + " removed or added after pitr wrote it; make it again with pitr diff --keys-out,"
                + " or, if you edited it on purpose, remove its last line (the seal) to use it as"
                + " a hand-made file. Nothing was changed.");
    assertThat(f.local.contents("orders")).isEqualTo(before);
  }

  @Test
  void copyBack_withAHandMadeKeysFile_takesItWhenEveryLineIsAKey_andSaysSo() throws Exception {
    Path keys = state.resolve("hand.jsonl");
    Files.writeString(keys, "{\"pk\":{\"S\":\"k1\"}}\n\n{\"pk\":\"k2\"}");

    CopyPlan plan = f.copyBack().plan(withKeys(keys)).block();

    assertThat(plan.notes())
        .containsExactly(
            "--keys "
                + keys
                + " has no seal (pitr diff --keys-out writes one), so it was taken as made by"
                + " hand: all 2 keys in it were read and are keys of the table");
    assertThat(f.copyBack().run(plan).block().itemsWritten()).isEqualTo(2);
  }

  @Test
  void keySpill_readBack_refusesAPartitionCutOrEdited() throws Exception {
    Path dir = state.resolve("spill");
    KeySchema schema = KeySchema.of(f.local.gateway().describeTable("orders").block());
    KeySpill.spill(f.local.gateway(), ScanSpec.of("orders", 2), schema, dir, 1, TableDiff::digest)
        .block();
    Map<String, String> read = new HashMap<>();
    KeySpill.forEach(dir, 0, read::put);
    assertThat(read).hasSize(50);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("0.txt"))))
        .isEqualTo("rw-------");

    Path partition = dir.resolve("0.txt");
    List<String> lines = Files.readAllLines(partition);
    Files.write(partition, lines.subList(0, 49));
    assertThatThrownBy(() -> KeySpill.forEach(dir, 0, (k, d) -> {}))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED))
        .hasMessage(
            "Spill file "
                + partition
                + " cannot be trusted: it holds 49 lines where the manifest says 50; it is a"
                + " temporary file of this command: run the command again. Nothing was changed.");

    List<String> edited = new ArrayList<>(lines);
    edited.set(3, edited.get(3).replaceFirst("\"k", "\"x"));
    Files.write(partition, edited);
    assertThatThrownBy(() -> KeySpill.forEach(dir, 0, (k, d) -> {}))
        .hasMessageContaining("line 4 does not match its check, so it was cut or edited");
  }
}
