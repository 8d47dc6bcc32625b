package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.LocalTarget;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

class TargetOptionsTest {
  private static final String CONFIG_FILE = "aws.configFile";
  private static final String CREDENTIALS_FILE = "aws.sharedCredentialsFile";

  @TempDir Path aws;

  private final Map<String, String> savedProperties = new HashMap<>();

  /** Points the SDK at AWS files under the temp folder, restored after the test. */
  private Path[] awsFiles(String config, String credentials) throws IOException {
    Path configFile = aws.resolve("config");
    Path credentialsFile = aws.resolve("credentials");
    if (config != null) {
      Files.writeString(configFile, config);
    }
    if (credentials != null) {
      Files.writeString(credentialsFile, credentials);
    }
    for (String p : new String[] {CONFIG_FILE, CREDENTIALS_FILE}) {
      savedProperties.putIfAbsent(p, System.getProperty(p));
    }
    System.setProperty(CONFIG_FILE, configFile.toString());
    System.setProperty(CREDENTIALS_FILE, credentialsFile.toString());
    return new Path[] {configFile, credentialsFile};
  }

  @AfterEach
  void restoreProperties() {
    savedProperties.forEach(
        (p, v) -> {
          if (v == null) {
            System.clearProperty(p);
          } else {
            System.setProperty(p, v);
          }
        });
  }

  private static AwsCredentialsProvider noCredentials() {
    return () -> {
      throw SdkClientException.create("Unable to load credentials from any of the providers");
    };
  }

  private static TargetOptions parse(String... args) {
    CliRun run = new CliRun();
    run.commandLine.parseArgs(args);
    return run.root().target();
  }

  private static PitrException usageError(TargetOptions options) {
    try (DynamoDbAsyncClient unexpected = options.client()) {
      throw new AssertionError("expected a usage error, got " + unexpected);
    } catch (PitrException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
      return e;
    }
  }

  @Test
  void local_buildsAnInProcessClientOverAFreshEngine() {
    try (DynamoDbAsyncClient client = parse("--local").client()) {
      assertThat(client).isInstanceOf(LocalDynamoDbAsyncClient.class);
      assertThat(client.listTables().join().tableNames()).isEmpty();
    }
  }

  @Test
  void localAndEndpoint_together_isAUsageError() {
    assertThat(usageError(parse("--local", "--endpoint-url", "http://127.0.0.1:8000")))
        .hasMessage("--local and --endpoint-url both choose a target; pass only one of them");
  }

  @Test
  void endpointThatIsNotAUrl_isAUsageError() {
    assertThat(usageError(parse("--endpoint-url", "127.0.0.1:8000")))
        .hasMessage(
            "--endpoint-url 127.0.0.1:8000 is not an http(s) URL; pass one like"
                + " http://127.0.0.1:8000");
  }

  @Test
  void loopbackEndpoint_withoutRegion_defaultsToUsEast1_andTalksToTheServer() {
    TargetOptions options;
    try (LocalEngine engine = LocalEngine.create();
        LocalServer server = LocalServer.start(engine, "127.0.0.1", 0)) {
      options = parse("--endpoint-url", server.endpoint().toString());
      options.awsRegions =
          () -> {
            throw SdkClientException.create("no region");
          };
      try (DynamoDbAsyncClient client = options.client()) {
        assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
        assertThat(client.listTables().join().tableNames()).isEmpty();
      }
    }
  }

  @Test
  void aws_withoutRegion_isAUsageErrorNamingHowToSetOneAndTheConfigFile() throws IOException {
    Path config = awsFiles("[profile prod]\noutput = json\n", null)[0];
    TargetOptions options = parse("--profile", "prod");
    options.awsRegions =
        () -> {
          throw SdkClientException.create("no region");
        };

    assertThat(usageError(options))
        .hasMessage(
            "No AWS region is set for profile prod; pass --region (e.g. --region us-east-1), set"
                + " AWS_REGION, or add region to the profile in "
                + config);
  }

  @Test
  void profileInNeitherAwsFile_isAUsageErrorNamingBothFilesTheProfilesThereAndTheFix()
      throws IOException {
    Path[] files =
        awsFiles(
            "[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n",
            "[ops]\naws_access_key_id = a\naws_secret_access_key = b\n");
    CliRun run = new CliRun();

    int code = run.execute("status", "orders", "--profile", "nosuch");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Profile nosuch is not in the AWS config file "
                + files[0]
                + " or the credentials file "
                + files[1]
                + "; pass one that is there (default, dev, ops), or create it with 'aws configure"
                + " --profile nosuch' (or 'aws configure sso --profile nosuch')\n");
  }

  @Test
  void profile_whenNeitherAwsFileExists_saysSoAndHowToCreateIt() throws IOException {
    Path[] files = awsFiles(null, null);
    TargetOptions options = parse("--profile", "nosuch", "--region", "eu-west-1");

    assertThat(usageError(options))
        .hasMessage(
            "Profile nosuch is not in the AWS config file "
                + files[0]
                + " (no such file) or the credentials file "
                + files[1]
                + " (no such file); create it with 'aws configure --profile nosuch' (or 'aws"
                + " configure sso --profile nosuch')");
  }

  @Test
  void profileOnlyInTheCredentialsFile_isFound() throws IOException {
    awsFiles(null, "[ops]\naws_access_key_id = a\naws_secret_access_key = b\n");

    try (DynamoDbAsyncClient client = parse("--profile", "ops", "--region", "eu-west-1").client()) {
      assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
    }
  }

  @Test
  void emptyRegion_isRefusedAtParseTime_withExitTwoAndTheFix() {
    CliRun run = new CliRun();

    int code = run.execute("status", "orders", "--region", "");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --region is empty; give a region such as us-east-1\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void regionWithCharactersNoRegionHas_isRefusedAtParseTime() {
    CliRun run = new CliRun();

    int code = run.execute("--region=us east 1", "status", "orders");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --region 'us east 1' is not a region name; give one such as us-east-1\n");
  }

  @Test
  void emptyProfile_isRefusedAtParseTime() {
    CliRun run = new CliRun();

    int code = run.execute("status", "orders", "--profile=");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --profile is empty; give the name of a profile in the AWS config file, or"
                + " leave --profile out\n");
  }

  @Test
  void endpointWhoseHostDoesNotResolve_withoutCredentials_isNamedBeforeTheCredentials() {
    TargetOptions options = parse("--endpoint-url", "http://nosuch.invalid:8000");
    options.env = Map.of();
    options.awsCredentials = noCredentials();

    assertThat(usageError(options))
        .hasMessage(
            "Cannot reach DynamoDB at http://nosuch.invalid:8000 (cannot resolve host"
                + " nosuch.invalid); nothing was changed. Check --endpoint-url and that a server is"
                + " listening there; 'pitr local serve --port 8000' starts the embedded engine, and"
                + " --local runs one in-process");
  }

  @Test
  void endpointFromTheEnvironmentThatNothingListensOn_isNamedWithItsVariable() {
    int port = LocalTarget.freePort();
    TargetOptions options = parse();
    // 0.0.0.0 is this machine but not a loopback name, so credentials would be needed.
    options.env = Map.of("AWS_ENDPOINT_URL", "http://0.0.0.0:" + port);
    options.awsCredentials = noCredentials();

    assertThat(usageError(options))
        .hasMessage(
            "Cannot reach DynamoDB at http://0.0.0.0:"
                + port
                + " (cannot connect to 0.0.0.0:"
                + port
                + ": Connection refused); nothing was changed. Check AWS_ENDPOINT_URL and that a"
                + " server is listening there; 'pitr local serve --port 8000' starts the embedded"
                + " engine, and --local runs one in-process");
  }

  @Test
  void reachableEndpoint_withoutCredentials_isStillACredentialsError() throws Exception {
    try (LocalEngine engine = LocalEngine.create();
        LocalServer server = LocalServer.start(engine, "127.0.0.1", 0)) {
      // 0.0.0.0 reaches the server on 127.0.0.1 but is not a loopback name.
      TargetOptions options =
          parse(
              "--endpoint-url",
              "http://0.0.0.0:" + server.endpoint().getPort(),
              "--region",
              "eu-west-1");
      options.env = Map.of();
      options.awsCredentials = noCredentials();

      assertThat(usageError(options)).hasMessageStartingWith("No AWS credentials found; ");
    }
  }

  @Test
  void aws_withoutCredentials_isAUsageErrorNamingHowToSetThem() {
    TargetOptions options = parse("--region", "eu-west-1");
    options.awsCredentials = noCredentials();

    assertThat(usageError(options))
        .hasMessage(
            "No AWS credentials found; run 'aws configure' or 'aws sso login', set"
                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile");
  }

  @Test
  void aws_withRegionAndCredentials_buildsAnSdkClientForThatRegion() {
    try (DynamoDbAsyncClient client = parse("--region", "eu-west-1").client()) {
      assertThat(client).isNotInstanceOf(LocalDynamoDbAsyncClient.class);
      assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
    }
  }

  @Test
  void isLoopback_recognisesLocalhostAndLoopbackLiteralsOnly() {
    assertThat(TargetOptions.isLoopback("localhost")).isTrue();
    assertThat(TargetOptions.isLoopback("127.0.0.1")).isTrue();
    assertThat(TargetOptions.isLoopback("127.1.2.3")).isTrue();
    assertThat(TargetOptions.isLoopback("[::1]")).isTrue();
    assertThat(TargetOptions.isLoopback("dynamodb.us-east-1.amazonaws.com")).isFalse();
    assertThat(TargetOptions.isLoopback("10.0.0.5")).isFalse();
  }

  @Test
  void endpointFromTheEnvironment_isUsedWithoutTheOption_theOptionAndLocalWin_andABadOneIsNamed() {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL", "http://127.0.0.1:7001",
            "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:7002");
    TargetOptions fromEnv = parse();
    fromEnv.env = env;
    TargetOptions option = parse("--endpoint-url", "http://127.0.0.1:7003");
    option.env = env;
    TargetOptions local = parse("--local");
    local.env = env;
    TargetOptions generic = parse();
    generic.env = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:7001");
    TargetOptions bad = parse();
    bad.env = Map.of("AWS_ENDPOINT_URL", "127.0.0.1:8000");

    assertThat(fromEnv.describe()).isEqualTo("http://127.0.0.1:7002");
    assertThat(generic.describe()).isEqualTo("http://127.0.0.1:7001");
    assertThat(option.describe()).isEqualTo("http://127.0.0.1:7003");
    assertThat(local.describe()).isEqualTo("the embedded engine (--local)");
    assertThat(usageError(bad))
        .hasMessage(
            "AWS_ENDPOINT_URL 127.0.0.1:8000 is not an http(s) URL; pass one like"
                + " http://127.0.0.1:8000");
  }
}
