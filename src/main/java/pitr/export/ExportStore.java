package pitr.export;

import reactor.core.publisher.Mono;

/** Where export objects are read from: an S3 API, or a directory laid out as S3. */
public interface ExportStore {

  /** The object's bytes, or empty when there is no such object. */
  Mono<byte[]> get(String bucket, String key);

  /** Whether the bucket exists (and can be read): checked before an export is requested. */
  Mono<Boolean> bucketExists(String bucket);

  /** {@code s3://bucket/key} or the file's path, for messages. */
  String describe(String bucket, String key);
}
