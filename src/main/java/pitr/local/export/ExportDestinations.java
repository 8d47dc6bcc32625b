package pitr.local.export;

import pitr.local.EngineConfig;

/** Picks the destination an engine's settings name: S3 first, then a directory, else none. */
public final class ExportDestinations {
  private ExportDestinations() {}

  /** The destination of {@code exports}, whose S3 client (if any) the caller closes. */
  public static ExportDestination of(EngineConfig.Exports exports, String region) {
    if (exports.s3Endpoint() != null) {
      return new S3Destination(exports.s3Endpoint(), region);
    }
    if (exports.directory() != null) {
      return new DirectoryDestination(exports.directory());
    }
    return ExportDestination.NONE;
  }
}
