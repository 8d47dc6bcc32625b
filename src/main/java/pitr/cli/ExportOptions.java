package pitr.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.export.DirectoryExportStore;
import pitr.export.ExportStore;
import pitr.export.S3ExportStore;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Options of the commands that request or read point-in-time exports ({@code pitr export}, {@code
 * pitr changes}, {@code pitr rollback --source export}): the bucket and prefix, an existing export
 * by ARN, where export objects are read from (S3, with {@code AWS_ENDPOINT_URL_S3} honoured, or
 * {@code --export-dir}, a directory laid out as buckets as {@code pitr local serve --export-dir}
 * writes them), and how long to wait for an export.
 */
final class ExportOptions {
  @Option(
      names = "--bucket",
      paramLabel = "BUCKET",
      converter = BucketNameConverter.class,
      description = "S3 bucket to export to.")
  String bucket;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Key prefix in the bucket for the export's objects.")
  String prefix;

  @Option(
      names = "--export",
      paramLabel = "ARN",
      description = "Use this export (from 'pitr export') instead of requesting one.")
  String exportArn;

  @Option(
      names = "--export-dir",
      paramLabel = "DIR",
      description =
          "Read export objects from this directory laid out as buckets (bucket B is DIR/B), as"
              + " 'pitr local serve --export-dir DIR' writes them, instead of from S3.")
  Path exportDir;

  @Option(
      names = "--export-timeout",
      paramLabel = "DURATION",
      defaultValue = "2h",
      converter = Ranges.RestoreTimeout.class,
      description =
          "How long to wait for an export to complete, 1s-7d (default: ${DEFAULT-VALUE}).")
  Duration exportTimeout;

  @Option(
      names = "--export-poll-interval",
      paramLabel = "DURATION",
      hidden = true,
      defaultValue = "10s",
      converter = Ranges.PollInterval.class,
      description = "How often to check an export, 10ms-10m (default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  /** Whether an export was named or a bucket to export to given. */
  boolean given() {
    return bucket != null || exportArn != null;
  }

  /**
   * Refuses, before anything is requested, both --bucket and --export, neither, or an export
   * directory that is not a folder.
   */
  void check() {
    if (bucket != null && exportArn != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--bucket exports the window now and --export uses an export made before; pass only one"
              + " of them");
    }
    if (bucket == null && exportArn == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Give --bucket BUCKET to export the window to, or --export ARN to use an export made"
              + " before with 'pitr export'");
    }
    if (exportDir != null && !Files.isDirectory(exportDir)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--export-dir "
              + exportDir
              + " is not a folder; pass the folder given to 'pitr local serve --export-dir'");
    }
  }

  /** Where export objects are read from; closing it closes the S3 client made for it. */
  Stores open(CommandSpec spec) {
    if (exportDir != null) {
      return new Stores(new DirectoryExportStore(exportDir), null);
    }
    TargetOptions target = PitrCommand.of(spec).target();
    S3AsyncClient s3 = new AwsClients(target).s3();
    String endpoint =
        ServiceEndpoints.configured(ServiceEndpoints.S3, target.env)
            .map(c -> c.url() + " (" + c.variable() + ")")
            .orElse(null);
    return new Stores(new CheckedS3Store(new S3ExportStore(s3), endpoint), s3);
  }

  /** An export store and the S3 client behind it, if any. */
  record Stores(ExportStore store, S3AsyncClient s3) implements AutoCloseable {
    @Override
    public void close() {
      if (s3 != null) {
        s3.close();
      }
    }
  }
}
