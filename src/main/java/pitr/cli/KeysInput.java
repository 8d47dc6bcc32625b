package pitr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import pitr.PitrException;
import pitr.batch.StagedFiles;
import pitr.copy.CopyRequest;
import pitr.copy.CopyRunRecord;
import pitr.copy.CopySource;
import pitr.copy.KeysOrigin;
import pitr.copy.RunLimits;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code --keys} file of a copy-back with what its run records of it ({@link KeysOrigin}): a
 * local file by its absolute path, an S3 object by its {@code s3://} address (fetched into a
 * checked private copy under the state folder), each with the SHA-256 of its bytes. A resume
 * without {@code --keys} reads the run's own file again from where the run recorded it, so a run
 * staged in S3 resumes on any machine, and the run refuses it when its SHA-256 is not the one
 * recorded, before anything is written.
 */
final class KeysInput {
  private KeysInput() {}

  /**
   * The keys {@code --keys VALUE} names, or null without it.
   *
   * @throws PitrException {@link pitr.ErrorCode#USAGE} when an S3 object is missing, unreadable or
   *     not what its key pins
   */
  static CopySource.Keys given(CommandSpec spec, String value, Path stagedDir) {
    if (value == null) {
      return null;
    }
    Path file = StagedInputs.local(spec, "--keys", value, stagedDir);
    String address =
        StagedFiles.Location.is(value)
            ? StagedFiles.Location.parse("--keys", value, true).uri()
            : file.toAbsolutePath().toString();
    return new CopySource.Keys(file, new KeysOrigin(address, sha256(file)));
  }

  /**
   * The keys file {@code run} records, read again (an S3 one fetched again), or null when it copies
   * no keys file.
   *
   * @throws PitrException {@link pitr.ErrorCode#USAGE} naming the run when its S3 object is gone,
   *     unreadable or not what its key pins
   */
  static CopySource.Keys recorded(CommandSpec spec, CopyRunRecord run, Path stagedDir) {
    KeysOrigin recorded = run.limits() == null ? null : run.limits().keys();
    if (recorded == null) {
      return null;
    }
    Path file;
    try {
      file =
          recorded.inS3()
              ? StagedInputs.local(spec, "--keys", recorded.address(), stagedDir)
              : Path.of(recorded.address());
    } catch (PitrException e) {
      String done = ". Nothing was changed.";
      String why = e.getMessage();
      throw new PitrException(
          e.code(),
          "Cannot resume run "
              + run.runId()
              + ": "
              + (why.endsWith(done) ? why.substring(0, why.length() - done.length()) : why)
              + ". The run copies the keys that file held when it started"
              + (recorded.sha256() == null ? "" : " (SHA-256 " + recorded.sha256() + ")")
              + ": put that file back there, or start a new run. Nothing was changed.",
          e);
    }
    return new CopySource.Keys(file, new KeysOrigin(recorded.address(), sha256(file)));
  }

  /**
   * The items a copy-back of these options copies ({@link CopySource#of}), with {@code keys} as
   * given.
   */
  static CopySource items(
      CopySource.Keys keys,
      Path replay,
      String filter,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    CopySource items =
        CopySource.of(keys == null ? null : keys.file(), replay, filter, names, values);
    return items instanceof CopySource.Keys ? keys : items;
  }

  /**
   * The request of a resume of {@code run} ({@link RunLimits#resume}): without {@code --keys}, the
   * run's own keys file is read again from where it recorded it, and refused there if it is not
   * what the run started with.
   *
   * @param given the limits given on the command line
   */
  static CopyRequest resume(
      CommandSpec spec,
      CopyRunRecord run,
      CopyRequest request,
      Set<RunLimits.Limit> given,
      Path stagedDir) {
    CopySource.Keys keys;
    if (!(request.items() instanceof CopySource.Keys)
        && (keys = recorded(spec, run, stagedDir)) != null) {
      request = request.toBuilder().items(keys).build();
      Set<RunLimits.Limit> all = EnumSet.of(RunLimits.Limit.KEYS);
      all.addAll(given);
      given = all;
    }
    return RunLimits.resume(run, request, given);
  }

  /** The file's SHA-256, or null when it cannot be read (reading it refuses it, naming why). */
  private static String sha256(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return StagedFiles.sha256(file);
    } catch (IOException e) {
      return null;
    }
  }
}
