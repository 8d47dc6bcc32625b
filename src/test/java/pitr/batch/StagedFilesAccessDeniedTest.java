package pitr.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.TestHttp;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * S3 answering AccessDenied (what an IAM policy without the action gets; moto does not enforce
 * IAM): staging and fetching are refused as usage errors naming the permission, not retried.
 */
class StagedFilesAccessDeniedTest {
  @TempDir Path dir;
  private HttpServer server;
  private S3AsyncClient s3;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                      + "<Message>Access Denied</Message></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/xml");
          exchange.sendResponseHeaders(403, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    s3 =
        S3AsyncClient.builder()
            .httpClientBuilder(TestHttp.netty())
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
  }

  @AfterEach
  void stop() {
    s3.close();
    server.stop(0);
  }

  @Test
  void stage_whenPutObjectIsDenied_isRefusedAsUsage_namingThePermission() throws Exception {
    Path plan = dir.resolve("plan.jsonl");
    Files.writeString(plan, "x\n");
    StagedFiles.Location stage = StagedFiles.Location.parse("--stage", "s3://b-1/pitr/", false);

    assertThatThrownBy(() -> new StagedFiles(s3).stage(plan, stage, "r1").block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Cannot write to --stage s3://b-1/pitr/ (AccessDenied); allow s3:PutObject on"
                + " arn:aws:s3:::b-1/pitr/* (deploy/iam/submitter.json), or pass another --stage."
                + " Nothing was submitted");
  }

  @Test
  void fetch_whenGetObjectIsDenied_isRefusedAsUsage_andWritesNoFile() {
    StagedFiles.Location from =
        StagedFiles.Location.parse("--apply", "s3://b-1/p/plan.jsonl", true);

    assertThatThrownBy(
            () -> new StagedFiles(s3).fetch(from, dir.resolve("copies"), "--apply").block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--apply s3://b-1/p/plan.jsonl cannot be read (AccessDenied): it does not exist, or the"
                + " role lacks s3:GetObject on it (deploy/iam/job-role.json). Nothing was changed.");
    assertThat(dir.resolve("copies")).doesNotExist();
  }
}
