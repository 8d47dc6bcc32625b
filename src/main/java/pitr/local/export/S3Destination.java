package pitr.local.export;

import java.io.IOException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 API (moto_server, LocalStack or S3 itself) reached through the SDK's S3 client with
 * path-style addressing. Credentials come from the usual chain, or a fixed placeholder key when
 * there are none, which emulators accept.
 */
final class S3Destination implements ExportDestination {
  private final URI endpoint;
  private final S3Client s3;

  S3Destination(URI endpoint, String region) {
    this.endpoint = endpoint;
    this.s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .forcePathStyle(true)
            .credentialsProvider(
                AwsCredentialsProviderChain.builder()
                    .reuseLastProviderEnabled(true)
                    .credentialsProviders(
                        DefaultCredentialsProvider.builder().build(),
                        StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("pitr-local", "pitr-local")))
                    .build())
            .build();
  }

  @Override
  public boolean bucketExists(String bucket) throws IOException {
    try {
      s3.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
      return true;
    } catch (NoSuchBucketException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IOException("S3 " + endpoint + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("S3 " + endpoint + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String bucket, String key, byte[] body) throws IOException {
    try {
      s3.putObject(
          PutObjectRequest.builder().bucket(bucket).key(key).build(), RequestBody.fromBytes(body));
    } catch (SdkException e) {
      throw new IOException("S3 " + endpoint + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "S3 at " + endpoint;
  }

  @Override
  public void close() {
    s3.close();
  }
}
