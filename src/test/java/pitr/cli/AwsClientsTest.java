package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pitr.PitrException;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;

class AwsClientsTest {
  private static AwsClients clients(Map<String, String> env) {
    TargetOptions target = new TargetOptions();
    target.env = env;
    return new AwsClients(target);
  }

  private static URI endpointOf(SdkClient client) {
    try (client) {
      return client.serviceClientConfiguration().endpointOverride().orElse(null);
    }
  }

  @Test
  void eachService_whenItsOwnVariableIsSet_isSentThereAndTheOthersAreNot() {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_BATCH", "http://127.0.0.1:7101",
            "AWS_ENDPOINT_URL_SCHEDULER", "http://127.0.0.1:7102",
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:7103",
            "AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:7104",
            "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7105");
    AwsClients clients = clients(env);

    assertThat(endpointOf(clients.batch())).isEqualTo(URI.create("http://127.0.0.1:7101"));
    assertThat(endpointOf(clients.scheduler())).isEqualTo(URI.create("http://127.0.0.1:7102"));
    assertThat(endpointOf(clients.logs())).isEqualTo(URI.create("http://127.0.0.1:7103"));
    assertThat(endpointOf(clients.cloudWatch(null))).isEqualTo(URI.create("http://127.0.0.1:7104"));
    assertThat(endpointOf(clients.s3())).isEqualTo(URI.create("http://127.0.0.1:7105"));
  }

  @Test
  void everyService_whenOnlyTheGenericVariableIsSet_isSentThere() {
    AwsClients clients = clients(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:7001"));

    URI generic = URI.create("http://127.0.0.1:7001");
    assertThat(endpointOf(clients.batch())).isEqualTo(generic);
    assertThat(endpointOf(clients.scheduler())).isEqualTo(generic);
    assertThat(endpointOf(clients.logs())).isEqualTo(generic);
    assertThat(endpointOf(clients.cloudWatch(null))).isEqualTo(generic);
    assertThat(endpointOf(clients.s3())).isEqualTo(generic);
  }

  @Test
  void serviceVariable_whenBothAreSet_winsOverTheGenericOne() {
    AwsClients clients =
        clients(
            Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:7001",
                "AWS_ENDPOINT_URL_SCHEDULER", "http://127.0.0.1:7002"));

    assertThat(endpointOf(clients.scheduler())).isEqualTo(URI.create("http://127.0.0.1:7002"));
    assertThat(endpointOf(clients.batch())).isEqualTo(URI.create("http://127.0.0.1:7001"));
  }

  @Test
  void explicitEndpoint_winsOverTheVariables() {
    AwsClients clients = clients(Map.of("AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:7002"));

    assertThat(endpointOf(clients.cloudWatch(URI.create("http://127.0.0.1:7003"))))
        .isEqualTo(URI.create("http://127.0.0.1:7003"));
  }

  @Test
  void variables_whenIgnoreConfiguredEndpointUrlsIsTrue_areIgnored() {
    AwsClients clients =
        clients(
            Map.of(
                "AWS_ENDPOINT_URL_BATCH", "http://127.0.0.1:7101",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

    assertThat(clients.endpoint(ServiceEndpoints.BATCH, null)).isNull();
  }

  @Test
  void loopbackEndpoint_withNoRegionConfigured_usesTheLoopbackRegion() {
    TargetOptions target = new TargetOptions();
    target.env = Map.of("AWS_ENDPOINT_URL_BATCH", "http://127.0.0.1:7101");
    target.awsRegions =
        () -> {
          throw software.amazon.awssdk.core.exception.SdkClientException.create("no region");
        };

    try (var batch = new AwsClients(target).batch()) {
      assertThat(batch.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
    }
  }

  @Test
  void variable_whenNotAnHttpUrl_isRefusedNamingIt() {
    AwsClients clients = clients(Map.of("AWS_ENDPOINT_URL_BATCH", "127.0.0.1:7101"));

    assertThatThrownBy(clients::batch)
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "AWS_ENDPOINT_URL_BATCH 127.0.0.1:7101 is not an http(s) URL; pass one like"
                + " http://127.0.0.1:5000");
  }

  @Test
  void variableName_forAServiceIdWithASpace_usesAnUnderscore() {
    assertThat(ServiceEndpoints.variable(ServiceEndpoints.CLOUDWATCH_LOGS))
        .isEqualTo("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
    assertThat(ServiceEndpoints.variable(ServiceEndpoints.DYNAMODB))
        .isEqualTo("AWS_ENDPOINT_URL_DYNAMODB");
  }

  @Test
  void dynamoDb_whenEndpointUrlOptionAndVariableAreBothGiven_usesTheOption() {
    TargetOptions target = new TargetOptions();
    target.env = Map.of("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:7002");
    target.endpointUrl = "http://127.0.0.1:7003";

    assertThat(target.endpointUrl()).isEqualTo("http://127.0.0.1:7003");
  }
}
