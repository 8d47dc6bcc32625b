package pitr.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;

class SealedLinesTest {
  private static final String FIX = "make it again";

  @TempDir Path dir;

  @Test
  void readAll_whenWrittenBySealedLines_returnsTheLinesWithoutTheSeal() throws Exception {
    Path file = dir.resolve("plan.jsonl");
    SealedLines.write(file, List.of("{\"a\":1}", "{\"b\":2}", ""));

    assertThat(SealedLines.readAll(file, "Plan", FIX))
        .containsExactly("{\"a\":1}", "{\"b\":2}", "");
    assertThat(SealedLines.verify(file, "Plan", FIX).lines()).isEqualTo(3);
    try (Stream<String> lines = SealedLines.lines(file, "Plan", FIX)) {
      assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":2}", "");
    }
  }

  @Test
  void verify_whenCutAtALineBoundary_refusesNamingTheFileAndTheFix() throws Exception {
    Path file = dir.resolve("plan.jsonl");
    SealedLines.write(file, List.of("one", "two", "three"));
    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, 2));

    assertThatThrownBy(() -> SealedLines.verify(file, "Rollback plan", FIX))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Rollback plan "
                + file
                + " cannot be trusted: it does not end with the seal line pitr writes last, so it"
                + " was cut short, edited, or not written by pitr; make it again. Nothing was"
                + " changed.");
  }

  @Test
  void verify_whenALineIsRemovedButTheSealKept_refusesWithTheCounts() throws Exception {
    Path file = dir.resolve("plan.jsonl");
    SealedLines.write(file, List.of("one", "two", "three"));
    List<String> lines = Files.readAllLines(file);
    Files.write(file, List.of(lines.get(0), lines.get(2), lines.get(3)));

    assertThatThrownBy(() -> SealedLines.verify(file, "Plan", FIX))
        .hasMessageContaining("it holds 2 lines where its seal says 3");
  }

  @Test
  void verify_whenALineIsEdited_refusesNamingTheDigest() throws Exception {
    Path file = dir.resolve("plan.jsonl");
    SealedLines.write(file, List.of("{\"action\":\"RESTORE\"}", "two"));
    String text = Files.readString(file).replace("RESTORE", "DELETE!");
    Files.writeString(file, text);

    assertThatThrownBy(() -> SealedLines.verify(file, "Plan", FIX))
        .hasMessageContaining("does not match the SHA-256 in its seal");
  }

  @Test
  void verify_whenEmptyOrMissing_refusesWithoutAnException() throws Exception {
    Path empty = dir.resolve("empty.jsonl");
    Files.createFile(empty);

    assertThatThrownBy(() -> SealedLines.verify(empty, "Checkpoint", FIX))
        .hasMessageContaining("cannot be trusted: it is empty");
    assertThatThrownBy(() -> SealedLines.verify(dir.resolve("nope"), "Checkpoint", FIX))
        .hasMessage("Checkpoint " + dir.resolve("nope") + " does not exist; make it again.");
  }

  @Test
  void verify_whenAFolder_refusesWithACleanMessage() {
    assertThatThrownBy(() -> SealedLines.verify(dir, "Rollback plan", FIX))
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith("Cannot read rollback plan " + dir + ":");
  }

  @Test
  void write_createsTheFileAndNewFoldersForTheOwnerOnly() throws Exception {
    Path file = dir.resolve("runs/r1/failures.jsonl");
    SealedLines.write(file, List.of("x"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void write_whenTheBodyFails_leavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path file = dir.resolve("plan.jsonl");
    SealedLines.write(file, List.of("old"));
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(
            () ->
                SealedLines.write(
                    file,
                    sink -> {
                      sink.line("new");
                      throw new java.io.IOException("disk full");
                    }))
        .hasMessage("disk full");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void checkWritable_refusesAFolderAMissingParentFileAndAnUnwritableFolder() throws Exception {
    assertThatThrownBy(() -> AtomicFiles.checkWritable(dir, "--plan"))
        .hasMessage(
            "Cannot write --plan " + dir + ": it is a folder; name a file. Nothing was changed.");
    Path file = dir.resolve("f");
    Files.writeString(file, "x", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> AtomicFiles.checkWritable(file.resolve("plan.jsonl"), "--plan"))
        .hasMessageContaining(file + " is not a folder");
    AtomicFiles.checkWritable(dir.resolve("new/sub/plan.jsonl"), "--plan");
  }

  @Test
  void rewrite_keepsTheFilesPermissionsAndReplacesWhatALinkPointsAt() throws Exception {
    Path source = dir.resolve("0001_cars.java");
    Files.writeString(source, "old");
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r-----"));
    Path link = Files.createSymbolicLink(dir.resolve("link.java"), source);

    AtomicFiles.rewrite(link, "new");

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(source)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(source)))
        .isEqualTo("rw-r-----");
  }
}
