package pitr.local.export;

import java.io.IOException;

/**
 * Where an export's objects go: an S3 API or a directory laid out as buckets. Objects are written
 * in the order given, so a reader that finds {@code manifest-summary.json} finds every file it
 * names.
 */
public interface ExportDestination extends AutoCloseable {

  /** Whether {@code bucket} exists and can take objects. */
  boolean bucketExists(String bucket) throws IOException;

  /** Writes one object, replacing any object of that key. */
  void put(String bucket, String key, byte[] body) throws IOException;

  /** Says where objects go, for messages. */
  String describe();

  @Override
  default void close() {}

  /** A destination with no buckets at all, for an engine given neither S3 nor a directory. */
  ExportDestination NONE =
      new ExportDestination() {
        @Override
        public boolean bucketExists(String bucket) {
          return false;
        }

        @Override
        public void put(String bucket, String key, byte[] body) throws IOException {
          throw new IOException("no export destination: start the engine with --export-dir DIR");
        }

        @Override
        public String describe() {
          return "nowhere (the engine was started without --s3-endpoint-url or --export-dir)";
        }
      };
}
