package pitr.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.AtomicFiles;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Files the workers of a submitted job read (a rollback plan, a keys file), staged in S3: uploaded
 * at submit time under {@code PREFIX/RUN_ID/sha256-HEX/NAME}, so the key names the run and pins the
 * file's SHA-256, and fetched by each worker into a private file of its own that is checked against
 * that SHA-256 before anything acts on it. An object replaced after it was staged is refused; an
 * object staged by hand (a key without {@code sha256-HEX}) is taken as it is, and only the file's
 * own checks (a plan's seal) apply. The S3 client is the caller's to close.
 */
public final class StagedFiles {
  /** The key segment that pins a staged file's SHA-256. */
  private static final Pattern PINNED = Pattern.compile("sha256-([0-9a-f]{64})");

  private final S3AsyncClient s3;

  public StagedFiles(S3AsyncClient s3) {
    this.s3 = s3;
  }

  /**
   * An S3 object or prefix named as {@code s3://BUCKET/KEY}.
   *
   * @param bucket the bucket
   * @param key the key (a prefix, possibly empty, for {@code --stage})
   */
  public record Location(String bucket, String key) {
    /** True when {@code text} is an {@code s3://} address rather than a local path. */
    public static boolean is(String text) {
      return text != null && text.regionMatches(true, 0, "s3://", 0, 5);
    }

    /**
     * Parses {@code s3://BUCKET/KEY}.
     *
     * @param needsKey true when an object (not only a bucket) must be named
     * @throws PitrException {@link ErrorCode#USAGE} naming {@code option} when it is not one
     */
    public static Location parse(String option, String text, boolean needsKey) {
      String rest = is(text) ? text.substring(5) : null;
      int slash = rest == null ? -1 : rest.indexOf('/');
      String bucket = rest == null ? "" : slash < 0 ? rest : rest.substring(0, slash);
      String key = slash < 0 ? "" : rest.substring(slash + 1);
      if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
          || (needsKey && (key.isEmpty() || key.endsWith("/")))) {
        throw new PitrException(
            ErrorCode.USAGE,
            option
                + " "
                + text
                + " is not "
                + (needsKey
                    ? "an S3 object; pass s3://BUCKET/KEY, e.g. s3://my-bucket/pitr/plan.jsonl"
                    : "an S3 bucket and prefix; pass s3://BUCKET/PREFIX, e.g."
                        + " s3://my-bucket/pitr-staged"));
      }
      return new Location(bucket, key);
    }

    /** {@code s3://BUCKET/KEY}. */
    public String uri() {
      return "s3://" + bucket + "/" + key;
    }

    /** The SHA-256 (hex) the key pins ({@code .../sha256-HEX/NAME}), or null. */
    public String pinnedSha256() {
      String[] parts = key.split("/");
      if (parts.length < 2) {
        return null;
      }
      var m = PINNED.matcher(parts[parts.length - 2]);
      return m.matches() ? m.group(1) : null;
    }

    String fileName() {
      String name = key.substring(key.lastIndexOf('/') + 1);
      return safe(name);
    }

    @Override
    public String toString() {
      return uri();
    }
  }

  /**
   * Uploads {@code file} under {@code stage} as {@code PREFIX/RUN_ID/sha256-HEX/NAME}.
   *
   * @return where it now is
   * @throws PitrException {@link ErrorCode#USAGE} when the bucket does not exist or cannot be
   *     written (nothing was uploaded); {@link ErrorCode#FAILED} when the upload fails otherwise
   */
  public Mono<Location> stage(Path file, Location stage, String runId) {
    return Mono.fromCallable(() -> sha256(file))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            hex -> {
              String prefix = stage.key().replaceAll("/+$", "");
              Location to =
                  new Location(
                      stage.bucket(),
                      (prefix.isEmpty() ? "" : prefix + "/")
                          + runId
                          + "/sha256-"
                          + hex
                          + "/"
                          + safe(file.getFileName().toString()));
              return Mono.fromFuture(
                      () ->
                          s3.putObject(
                              PutObjectRequest.builder()
                                  .bucket(to.bucket())
                                  .key(to.key())
                                  .contentType("application/x-ndjson")
                                  .build(),
                              AsyncRequestBody.fromFile(file)))
                  .onErrorMap(e -> !(e instanceof PitrException), e -> uploadError(stage, e))
                  .thenReturn(to);
            });
  }

  /**
   * Fetches {@code from} into {@code root/s3-ID/NAME} (ID from the address; the folder is made
   * private), replacing what is there; when the key pins a SHA-256 the content must have it.
   *
   * @param option the option that named it, for messages
   * @return the local file, whole and checked
   * @throws PitrException {@link ErrorCode#USAGE} when the object or its bucket does not exist,
   *     cannot be read, is not UTF-8 text, or is not what its key pins (nothing was written then);
   *     {@link ErrorCode#FAILED} when the download fails otherwise
   */
  public Mono<Path> fetch(Location from, Path root, String option) {
    Path file = root.resolve("s3-" + sha256(from.uri()).substring(0, 16)).resolve(from.fileName());
    return Mono.fromFuture(
            () ->
                s3.getObject(
                    GetObjectRequest.builder().bucket(from.bucket()).key(from.key()).build(),
                    AsyncResponseTransformer.toBlockingInputStream()))
        .onErrorMap(e -> !(e instanceof PitrException), e -> downloadError(from, option, e))
        .publishOn(Schedulers.boundedElastic())
        .map(
            in -> {
              try (InputStream body = in) {
                write(body, file, from, option);
                return file;
              } catch (IOException e) {
                throw new PitrException(
                    ErrorCode.FAILED,
                    "Cannot keep "
                        + option
                        + " "
                        + from
                        + " in "
                        + file
                        + ": "
                        + AtomicFiles.describe(e)
                        + "; pass --state-dir a folder you can write to",
                    e);
              }
            });
  }

  private static void write(InputStream body, Path file, Location from, String option)
      throws IOException {
    MessageDigest digest = digest();
    String pinned = from.pinnedSha256();
    String[] got = new String[1];
    try {
      AtomicFiles.write(
          file,
          out -> {
            Reader text =
                new InputStreamReader(
                    new DigestInputStream(body, digest),
                    StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
            text.transferTo(out);
            got[0] = HexFormat.of().formatHex(digest.digest());
            if (pinned != null && !pinned.equals(got[0])) {
              // Thrown inside the write: the file is then left as it was.
              throw new Replaced();
            }
          });
    } catch (Replaced e) {
      throw new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + from
              + " is not the file staged under that key: its SHA-256 is "
              + got[0]
              + ", the key says "
              + pinned
              + ", so it was replaced after it was staged; submit again with --stage"
              + " s3://BUCKET/PREFIX to stage the file anew. Nothing was changed.");
    } catch (CharacterCodingException e) {
      Files.deleteIfExists(file);
      throw new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + from
              + " is not UTF-8 text; pass the file pitr wrote. Nothing was changed.");
    }
  }

  /** Raised inside a write whose content is not what the key pins. */
  private static final class Replaced extends IOException {
    Replaced() {
      super("content does not match its key", null);
    }
  }

  private static PitrException downloadError(Location from, String option, Throwable error) {
    Throwable e = unwrap(error);
    String tail = ". Nothing was changed.";
    if (e instanceof NoSuchKeyException) {
      return new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + from
              + " does not exist; check the address, or stage the file again with --submit batch"
              + " --stage s3://BUCKET/PREFIX"
              + tail,
          e);
    }
    if (e instanceof NoSuchBucketException) {
      return new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + from
              + ": bucket "
              + from.bucket()
              + " does not exist; check the address"
              + tail,
          e);
    }
    if (e instanceof S3Exception s && s.statusCode() == 403) {
      return new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + from
              + " cannot be read (AccessDenied): it does not exist, or the role lacks"
              + " s3:GetObject on it (deploy/iam/job-role.json)"
              + tail,
          e);
    }
    return AwsCalls.map("S3 GetObject of " + from, e);
  }

  private static PitrException uploadError(Location stage, Throwable error) {
    Throwable e = unwrap(error);
    String tail = ". Nothing was submitted";
    if (e instanceof NoSuchBucketException
        || (e instanceof S3Exception s
            && s.awsErrorDetails() != null
            && "NoSuchBucket".equals(s.awsErrorDetails().errorCode()))) {
      return new PitrException(
          ErrorCode.USAGE,
          "S3 bucket "
              + stage.bucket()
              + " of --stage "
              + stage
              + " does not exist; create it (aws s3 mb s3://"
              + stage.bucket()
              + ") or pass another --stage s3://BUCKET/PREFIX"
              + tail,
          e);
    }
    if (e instanceof S3Exception s && s.statusCode() == 403) {
      return new PitrException(
          ErrorCode.USAGE,
          "Cannot write to --stage "
              + stage
              + " (AccessDenied); allow s3:PutObject on arn:aws:s3:::"
              + stage.bucket()
              + "/"
              + (stage.key().isEmpty() ? "" : stage.key().replaceAll("/+$", "") + "/")
              + "* (deploy/iam/submitter.json), or pass another --stage"
              + tail,
          e);
    }
    PitrException mapped = AwsCalls.map("S3 PutObject to " + stage, e);
    return new PitrException(ErrorCode.FAILED, mapped.getMessage() + tail, e);
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** A file name S3 and every file system take: other characters become '-'. */
  static String safe(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "-");
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "file" : s;
  }

  /** The hex SHA-256 of {@code file}'s bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
