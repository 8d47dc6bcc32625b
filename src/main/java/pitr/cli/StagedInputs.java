package pitr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import pitr.batch.StagedFiles;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The files a command reads that may be named by an S3 address ({@code --apply s3://BUCKET/KEY},
 * {@code --keys s3://BUCKET/KEY}), as the workers of a submitted job get them: such a file is
 * fetched into a private copy under the state folder and checked ({@link StagedFiles}) before the
 * command reads it; a local path is used as it is.
 */
final class StagedInputs {
  private StagedInputs() {}

  /**
   * The local file {@code value} names: the path itself, or a checked copy of the S3 object fetched
   * into a folder of its own under {@code root}.
   *
   * @throws pitr.PitrException {@link pitr.ErrorCode#USAGE} when the object is missing, unreadable
   *     or not what its key pins, before anything is changed
   */
  static Path local(CommandSpec spec, String option, String value, Path root) {
    if (value == null) {
      return null;
    }
    if (!StagedFiles.Location.is(value)) {
      return Path.of(value);
    }
    StagedFiles.Location from = StagedFiles.Location.parse(option, value, true);
    try (S3AsyncClient s3 = new AwsClients(PitrCommand.of(spec).target()).s3()) {
      return new StagedFiles(s3).fetch(from, root, option).block();
    }
  }

  /** Deletes a copy {@link #local} fetched, and its folder; a local path is left alone. */
  static void discard(String value, Path file) {
    if (file == null || !StagedFiles.Location.is(value)) {
      return;
    }
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.getParent());
    } catch (IOException e) {
      // A copy left in the state folder is harmless; the next fetch replaces it.
    }
  }
}
