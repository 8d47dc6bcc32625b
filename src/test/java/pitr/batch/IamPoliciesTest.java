package pitr.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import pitr.iam.CommandPermissions;
import pitr.iam.PolicyTargets;
import pitr.iam.PolicyWriter;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.scheduler.SchedulerAsyncClient;

/**
 * The IAM policies in deploy/iam/ against the code: every SDK operation the code calls is allowed,
 * and every action allowed is one the code calls (least privilege).
 */
class IamPoliciesTest {
  private static final Path IAM = Path.of("deploy", "iam");
  private static final Path MAIN = Path.of("src", "main", "java", "pitr");

  /** The actions a policy file allows, e.g. "batch:SubmitJob". */
  private static Set<String> actions(String file) throws IOException {
    JsonNode policy = new ObjectMapper().readTree(IAM.resolve(file).toFile());
    Set<String> actions = new TreeSet<>();
    for (JsonNode statement : policy.get("Statement")) {
      JsonNode a = statement.get("Action");
      if (a.isArray()) {
        a.forEach(x -> actions.add(x.asText()));
      } else {
        actions.add(a.asText());
      }
    }
    return actions;
  }

  private static Set<String> allowed(String file, String service) throws IOException {
    Set<String> all = new TreeSet<>();
    for (String a : actions(file)) {
      if (a.startsWith(service + ":")) {
        all.add(a);
      }
    }
    return all;
  }

  /**
   * The operations of {@code client} that the sources under {@code packages} call ({@code
   * .operationName(}), as IAM actions of {@code service}.
   */
  private static Set<String> called(Class<?> client, String service, String... packages)
      throws IOException {
    StringBuilder source = new StringBuilder();
    for (String p : packages) {
      try (Stream<Path> files = Files.walk(MAIN.resolve(p))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          source.append(Files.readString(f));
        }
      }
    }
    Set<String> calls = new TreeSet<>();
    for (Method m : client.getMethods()) {
      String name = m.getName();
      // One request; S3's object calls take a body or a response transformer too.
      if ((m.getParameterCount() == 1 || m.getParameterCount() == 2)
          && !name.equals("close")
          && !name.startsWith("waiter")
          && !name.endsWith("Paginator")
          && source.indexOf("." + name + "(") >= 0) {
        calls.add(service + ":" + Character.toUpperCase(name.charAt(0)) + name.substring(1));
      }
    }
    return calls;
  }

  @Test
  void submitter_allowsExactlyTheBatchSchedulerAndLogsCallsOfPitrBatch() throws IOException {
    assertThat(allowed("submitter.json", "batch"))
        .isEqualTo(called(BatchAsyncClient.class, "batch", "batch"));
    assertThat(allowed("submitter.json", "scheduler"))
        .isEqualTo(called(SchedulerAsyncClient.class, "scheduler", "batch"));
    assertThat(allowed("submitter.json", "logs"))
        .isEqualTo(called(CloudWatchLogsAsyncClient.class, "logs", "batch"));
    assertThat(allowed("submitter.json", "iam")).containsExactly("iam:PassRole");
    // PutObject stages a local file; GetObject checks an s3:// one before submitting.
    assertThat(allowed("submitter.json", "s3"))
        .isEqualTo(called(S3AsyncClient.class, "s3", "batch"))
        .containsExactly("s3:GetObject", "s3:PutObject");
  }

  @Test
  void submitter_dynamoDbActions_areCallsOfTheGateway() throws IOException {
    assertThat(called(DynamoDbAsyncClient.class, "dynamodb", "dynamo"))
        .containsAll(allowed("submitter.json", "dynamodb"));
  }

  @Test
  void schedulerRole_allowsOnlySubmitJob() throws IOException {
    assertThat(actions("scheduler-role.json")).containsExactly("batch:SubmitJob");
  }

  @Test
  void jobRole_isTheUnionOfWhatTheCommandsABatchJobRunsNeed_asPitrIamPolicyPrintsIt()
      throws IOException {
    PolicyTargets placeholders =
        new PolicyTargets(
            List.of("TABLE"),
            "pitr-ledger",
            "pitr-journal",
            "pitr-checkpoints",
            "REGION",
            "ACCOUNT_ID",
            "QUEUE",
            "pitr",
            "BUCKET/PREFIX");
    ObjectMapper json = new ObjectMapper();

    assertThat(json.readTree(IAM.resolve("job-role.json").toFile()))
        .isEqualTo(json.readTree(PolicyWriter.json(CommandPermissions.JOB_ROLE, placeholders)));
  }

  @Test
  void jobRole_dynamoDbActions_areCallsOfTheGateway_orTheItemActionsOfItsTransactions()
      throws IOException {
    Set<String> called = called(DynamoDbAsyncClient.class, "dynamodb", "dynamo");
    // IAM has no TransactWriteItems action: each item needs the action of its kind.
    called.addAll(Set.of("dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem"));

    assertThat(called).containsAll(allowed("job-role.json", "dynamodb"));
    assertThat(allowed("job-role.json", "cloudwatch"))
        .isEqualTo(called(CloudWatchAsyncClient.class, "cloudwatch", "metrics"));
    // A worker fetches the files staged for it; it never writes to S3.
    assertThat(allowed("job-role.json", "s3")).containsExactly("s3:GetObject");
    assertThat(actions("job-role.json"))
        .allMatch(
            a -> a.startsWith("dynamodb:") || a.startsWith("cloudwatch:") || a.startsWith("s3:"));
  }
}
