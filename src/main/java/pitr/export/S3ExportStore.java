package pitr.export;

import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Export objects read through the SDK's S3 client; the caller builds the client (with {@code
 * AWS_ENDPOINT_URL_S3} honoured and path-style addressing for an emulator) and closes it.
 */
public final class S3ExportStore implements ExportStore {
  private final S3AsyncClient s3;

  public S3ExportStore(S3AsyncClient s3) {
    this.s3 = s3;
  }

  @Override
  public Mono<byte[]> get(String bucket, String key) {
    return Mono.fromFuture(
            () ->
                s3.getObject(
                    GetObjectRequest.builder().bucket(bucket).key(key).build(),
                    AsyncResponseTransformer.toBytes()))
        .map(r -> r.asByteArray())
        .onErrorResume(NoSuchKeyException.class, e -> Mono.empty());
  }

  @Override
  public Mono<Boolean> bucketExists(String bucket) {
    return Mono.fromFuture(() -> s3.headBucket(HeadBucketRequest.builder().bucket(bucket).build()))
        .thenReturn(true)
        .onErrorResume(
            e -> {
              Throwable c =
                  e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
              return c instanceof NoSuchBucketException
                  || (c instanceof S3Exception s && s.statusCode() == 404);
            },
            e -> Mono.just(false));
  }

  @Override
  public String describe(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }
}
