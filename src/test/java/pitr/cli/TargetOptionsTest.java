package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

class TargetOptionsTest {
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
  void aws_withoutRegion_isAUsageErrorNamingHowToSetOne() {
    TargetOptions options = parse("--profile", "prod");
    options.awsRegions =
        () -> {
          throw SdkClientException.create("no region");
        };

    assertThat(usageError(options))
        .hasMessage(
            "No AWS region is set for profile prod; pass --region (e.g. --region us-east-1), set"
                + " AWS_REGION, or add region to the profile in ~/.aws/config");
  }

  @Test
  void aws_withoutCredentials_isAUsageErrorNamingHowToSetThem() {
    TargetOptions options = parse("--region", "eu-west-1");
    options.awsCredentials =
        () -> {
          throw SdkClientException.create("Unable to load credentials from any of the providers");
        };

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
