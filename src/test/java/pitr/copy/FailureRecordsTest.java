package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class FailureRecordsTest {
  private static final String FIX = "restore it";

  @TempDir Path dir;

  private static WriteRequest put(int i) {
    return WriteRequest.builder()
        .putRequest(
            PutRequest.builder()
                .item(
                    Map.of("pk", AttributeValue.fromS("k" + i), "n", AttributeValue.fromN("" + i)))
                .build())
        .build();
  }

  /** A failure file with {@code n} records, written as copy-back writes them. */
  private Path failures(int n) throws Exception {
    Path file = dir.resolve("runs").resolve("r1").resolve("failures-1-of-1.jsonl");
    try (FailureFile out = new FailureFile(file)) {
      for (int i = 0; i < n; i++) {
        out.write("orders", List.of(put(i)), "InternalServerError");
      }
    }
    return file;
  }

  private static List<WriteRequest> read(FailureRecords.Checked c) {
    return FailureRecords.read(c, "Failure file", FIX).collectList().block();
  }

  @Test
  void failureFile_isReadableByItsOwnerOnly_andEachLineCarriesItsCheck() throws Exception {
    Path file = failures(3);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readAllLines(file))
        .allMatch(l -> LineCheck.readJson(l).status() == LineCheck.Status.VALID);
    FailureRecords.Checked c = FailureRecords.check(file, 3, "Failure file", FIX);
    assertThat(c.records()).isEqualTo(3);
    assertThat(c.note()).isNull();
    assertThat(read(c)).containsExactly(put(0), put(1), put(2));
  }

  @Test
  void check_whenALineWasEdited_refusesNamingTheFileTheLineAndTheFix() throws Exception {
    Path file = failures(3);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(1, lines.get(1).replace("\"k1\"", "\"k9\""));
    Files.write(file, lines);

    assertThatThrownBy(() -> FailureRecords.check(file, 3, "Failure file", FIX))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Failure file "
                + file
                + " cannot be trusted: line 2 does not match its check, so it was cut short or"
                + " edited after pitr wrote it; restore it. Nothing was changed.");
  }

  @Test
  void check_whenCutAtALineEndBelowTheCountTheCheckpointsSaved_refuses() throws Exception {
    Path file = failures(3);
    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, 2));

    assertThatThrownBy(() -> FailureRecords.check(file, 3, "Failure file", FIX))
        .hasMessage(
            "Failure file "
                + file
                + " cannot be trusted: it holds 2 records where the run's checkpoints counted 3,"
                + " so records were removed after pitr wrote them; restore it. Nothing was"
                + " changed.");
    // More records than the count: written after it was last saved, by a process then killed.
    assertThat(FailureRecords.check(file, 1, "Failure file", FIX).records()).isEqualTo(2);
  }

  @Test
  void check_whenAKilledWriterLeftAnIncompleteLastLine_skipsItAndSaysSo() throws Exception {
    Path file = failures(2);
    String third =
        LineCheck.json("{\"table\":\"orders\",\"op\":\"put\",\"item\":{\"pk\":{\"S\":\"k2\"}}}");
    Files.writeString(file, third.substring(0, 30), StandardOpenOption.APPEND);

    FailureRecords.Checked c = FailureRecords.check(file, 2, "Failure file", FIX);

    assertThat(c.records()).isEqualTo(2);
    assertThat(c.torn()).isTrue();
    assertThat(c.note())
        .isEqualTo(
            file
                + " ends with an incomplete line (no line break, not JSON), as a process killed"
                + " while writing leaves; it was skipped: the page its item came from was not"
                + " checkpointed, so a resume of its run writes that item again");
    assertThat(read(c)).containsExactly(put(0), put(1));
  }

  @Test
  void write_afterAKilledWriter_removesItsIncompleteLineFirst() throws Exception {
    Path file = failures(1);
    Files.writeString(file, "{\"table\":\"ord", StandardOpenOption.APPEND);

    try (FailureFile out = new FailureFile(file)) {
      out.write("orders", List.of(put(5)), "ThrottlingException");
    }

    FailureRecords.Checked c = FailureRecords.check(file, 0, "Failure file", FIX);
    assertThat(c.torn()).isFalse();
    assertThat(read(c)).containsExactly(put(0), put(5));
  }

  @Test
  void check_ofAFileWithoutChecks_takesItAsHandMadeWhenEveryLineIsARecord() throws Exception {
    Path file = dir.resolve("hand.jsonl");
    Files.writeString(
        file,
        "{\"op\":\"put\",\"item\":{\"pk\":{\"S\":\"k0\"},\"n\":{\"N\":\"0\"}}}\n\n"
            + "{\"op\":\"delete\",\"key\":{\"pk\":{\"S\":\"k1\"}}}",
        StandardCharsets.UTF_8);

    FailureRecords.Checked c = FailureRecords.check(file, 0, "--replay file", FIX);

    assertThat(c.unchecked()).isTrue();
    assertThat(c.records()).isEqualTo(2);
    assertThat(c.note())
        .isEqualTo(
            file
                + " has no line checks (made by hand or by an older pitr): all 2 records in it"
                + " were read and are whole, but a cut at a line end cannot be seen");
    assertThat(read(c)).hasSize(2);

    Files.writeString(file, "{\"op\":\"put\",\"item\":{}}\n");
    assertThatThrownBy(() -> FailureRecords.check(file, 0, "--replay file", FIX))
        .hasMessage(
            "--replay file "
                + file
                + " line 1 is not a failure record: a put record needs the \"item\" object;"
                + " restore it. Nothing was changed.");
  }

  @Test
  void check_whenALineWithoutACheckWasAddedToAPitrFile_refuses() throws Exception {
    Path file = failures(2);
    Files.writeString(
        file, "{\"op\":\"put\",\"item\":{\"pk\":{\"S\":\"k7\"}}}\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> FailureRecords.check(file, 2, "Failure file", FIX))
        .hasMessage(
            "Failure file "
                + file
                + " cannot be trusted: line 3 has no check while other lines have one, so it was"
                + " added or edited by hand; restore it. Nothing was changed.");
  }
}
