package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.TestHttp;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * {@code pitr local serve} beyond loopback: refused without credentials or {@code --allow-remote},
 * warned about with either; with credentials (on any address) only requests signed with them are
 * served, through the real SDK v2 client. The secret is never printed.
 */
class ServeRemoteAccessTest {
  private static final String KEY_ID = "AKIDSERVETEST";
  private static final String SECRET = "serve-test-secret-do-not-print";
  private static final Pattern LISTENING =
      Pattern.compile("pitr local engine listening on http://\\S+:(\\d+)\n");

  /** One HTTP client for every SDK client here: each of its own would start its own threads. */
  private static SdkAsyncHttpClient http;

  @TempDir Path dir;

  @BeforeAll
  static void startHttp() {
    http = TestHttp.netty().build();
  }

  @AfterAll
  static void stopHttp() {
    http.close();
  }

  /** A {@code local serve} running in this JVM until closed. */
  private static final class Served implements AutoCloseable {
    final CliRun run = new CliRun();
    final Thread thread;
    final int[] code = {-1};
    final URI endpoint;

    Served(String... args) throws Exception {
      List<String> all = new ArrayList<>(List.of("local", "serve", "--port", "0"));
      all.addAll(List.of(args));
      thread = new Thread(() -> code[0] = run.execute(all.toArray(String[]::new)));
      thread.start();
      int[] port = {0};
      Poll.until(
          Duration.ofSeconds(30),
          "endpoint printed by serve",
          () -> {
            assertThat(thread.isAlive()).as(run.err()).isTrue();
            Matcher m = LISTENING.matcher(run.out());
            port[0] = m.find() ? Integer.parseInt(m.group(1)) : 0;
            return port[0] != 0;
          });
      endpoint = URI.create("http://127.0.0.1:" + port[0]);
    }

    DynamoDbAsyncClient client(String keyId, String secret) {
      return DynamoDbAsyncClient.builder()
          .endpointOverride(endpoint)
          .region(Region.US_EAST_1)
          .httpClient(http)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
          .build();
    }

    /** The error code DynamoDB-style of listing tables with these credentials, or "OK". */
    String listTables(String keyId, String secret) {
      try (DynamoDbAsyncClient client = client(keyId, secret)) {
        Throwable failure = catchThrowable(() -> client.listTables().get(30, TimeUnit.SECONDS));
        if (failure == null) {
          return "OK";
        }
        assertThat(failure.getCause()).isInstanceOf(DynamoDbException.class);
        DynamoDbException e = (DynamoDbException) failure.getCause();
        assertThat(e.statusCode()).isEqualTo(400);
        return e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
      }
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(30_000);
      assertThat(thread.isAlive()).isFalse();
      assertThat(code[0]).isZero();
      assertThat(run.out() + run.err()).doesNotContain(SECRET);
    }
  }

  @Test
  void nonLoopbackHost_withoutCredentialsOrAllowRemote_isRefused_andStartsNothing()
      throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path data = dir.resolve("data");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "local",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            Integer.toString(port),
            "--data-dir",
            data.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --host 0.0.0.0 would let anyone who can reach this machine read and change"
                + " every table, unsigned requests included; pass --access-key-id and"
                + " --secret-access-key (or --credentials-file) so that requests must be signed"
                + " with that key, or --allow-remote to accept any request anyway\n");
    assertThat(run.out()).isEmpty();
    assertThat(Files.exists(data)).as("data directory created").isFalse();
    assertThat(catchThrowable(() -> connect(port))).isInstanceOf(ConnectException.class);
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
    }
  }

  @Test
  void nonLoopbackHost_withAllowRemote_warns_andServesUnsignedRequests() throws Exception {
    try (Served served = new Served("--host", "0.0.0.0", "--allow-remote")) {
      assertThat(served.run.err())
          .isEqualTo(
              "warning: listening on 0.0.0.0 with --allow-remote: anyone who can reach this"
                  + " machine may read and change every table, unsigned requests included\n");
      assertThat(served.listTables("anyone", "anything")).isEqualTo("OK");
    }
  }

  @Test
  void nonLoopbackHost_withCredentials_warns_andServesOnlyRequestsSignedWithThem()
      throws Exception {
    try (Served served =
        new Served("--host", "0.0.0.0", "--access-key-id", KEY_ID, "--secret-access-key", SECRET)) {
      assertThat(served.run.err())
          .isEqualTo(
              "warning: listening on 0.0.0.0, beyond this machine: requests must be signed with"
                  + " access key AKIDSERVETEST, but travel unencrypted over plain HTTP; use a"
                  + " trusted network\n");
      assertThat(served.run.out())
          .contains(
              "Requests must be signed (AWS Signature Version 4) with access key AKIDSERVETEST.\n");
      assertThat(served.listTables(KEY_ID, SECRET)).isEqualTo("OK");
      assertThat(served.listTables(KEY_ID, "wrong"))
          .isEqualTo(
              "InvalidSignatureException: The request signature we calculated does not match the"
                  + " signature you provided. Check your AWS Secret Access Key and signing method."
                  + " Consult the service documentation for details.");
      assertThat(served.listTables("AKIDSOMEONEELSE", SECRET))
          .isEqualTo(
              "UnrecognizedClientException: The security token included in the request is"
                  + " invalid.");
    }
  }

  @Test
  void loopback_withACredentialsFile_enforcesThem_withoutAWarning() throws Exception {
    Path credentials =
        Files.writeString(
            dir.resolve("credentials"),
            "# for pitr local serve\n[default]\naws_access_key_id = "
                + KEY_ID
                + "\naws_secret_access_key = "
                + SECRET
                + "\n");
    try (Served served = new Served("--credentials-file", credentials.toString())) {
      assertThat(served.run.err()).isEmpty();
      assertThat(served.listTables(KEY_ID, SECRET)).isEqualTo("OK");
      assertThat(served.listTables(KEY_ID, "wrong")).startsWith("InvalidSignatureException: ");
      assertThat(served.listTables("test", "test")).startsWith("UnrecognizedClientException: ");
    }
  }

  @Test
  void iamPolicy_answersAccessDeniedToWhatTheKeysPolicyDoesNotAllow() throws Exception {
    Path policy =
        Files.writeString(
            dir.resolve("lister.json"),
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"dynamodb:ListTables\",\"Resource\":\"*\"}]}");
    try (Served served = new Served("--iam-policy", "lister=" + policy)) {
      assertThat(served.run.out())
          .contains("Enforcing IAM policies for access keys lister; other keys are denied.\n");
      assertThat(served.listTables("lister", "any")).isEqualTo("OK");
      assertThat(served.listTables("other", "any"))
          .isEqualTo(
              "AccessDeniedException: User: arn:aws:iam::000000000000:user/other is not"
                  + " authorized to perform: dynamodb:ListTables on resource: * because no"
                  + " identity-based policy allows the dynamodb:ListTables action");
    }
  }

  @Test
  void accessKeyWithoutSecret_isRefused() {
    CliRun run = new CliRun();

    int code = run.execute("local", "serve", "--port", "0", "--access-key-id", KEY_ID);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --access-key-id needs --secret-access-key too; pass both, or"
                + " --credentials-file\n");
  }

  @Test
  void credentialsFileWithAnotherProfile_isRefused() throws Exception {
    Path credentials =
        Files.writeString(
            dir.resolve("credentials"),
            "[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = " + SECRET + "\n");
    CliRun run = new CliRun();

    int code =
        run.execute("local", "serve", "--port", "0", "--credentials-file", credentials.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --credentials-file "
                + credentials
                + " has a profile [prod]; keep one key in it, with no profile or under [default]\n");
  }

  @Test
  void credentialsFileWithoutSecret_isRefused_withoutEchoingIt() throws Exception {
    Path credentials =
        Files.writeString(dir.resolve("credentials"), "aws_access_key_id = " + KEY_ID + "\n");
    CliRun run = new CliRun();

    int code =
        run.execute("local", "serve", "--port", "0", "--credentials-file", credentials.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --credentials-file "
                + credentials
                + " has no aws_secret_access_key; add a line 'aws_secret_access_key = ...'\n");
  }
}
