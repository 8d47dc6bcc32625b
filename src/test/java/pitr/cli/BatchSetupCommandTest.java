package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.dynamo.MotoServer;
import software.amazon.awssdk.services.batch.model.JobDefinition;

class BatchSetupCommandTest {
  @TempDir static Path dir;
  private static MotoBatch moto;
  private int code;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    moto = MotoBatch.start(dir);
    moto.createQueue("pitr-queue");
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.close();
    }
  }

  private CliRun setup(String... extra) {
    return setupOn("pitr-queue", extra);
  }

  private CliRun setupOn(String queue, String... extra) {
    CliRun run = moto.newRun();
    List<String> args =
        new ArrayList<>(
            List.of(
                "batch",
                "setup",
                "--job-queue",
                queue,
                "--image",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/pitr:1.0",
                "--job-role",
                MotoBatch.ROLE));
    args.addAll(List.of(extra));
    code = run.execute(args.toArray(String[]::new));
    return run;
  }

  private List<JobDefinition> definitions(String name) {
    return moto.batch
        .describeJobDefinitions(r -> r.jobDefinitionName(name).status("ACTIVE"))
        .jobDefinitions();
  }

  @Test
  void setup_registersTheDefinitionWithRetryTimeoutAndLogs() {
    CliRun run =
        setup(
            "--job-definition",
            "pitr-a",
            "--platform",
            "EC2",
            "--vcpus",
            "2",
            "--memory",
            "4096",
            "--attempts",
            "4",
            "--timeout",
            "6h");

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    assertThat(run.out())
        .startsWith(
            "Registered job definition pitr-a:1"
                + " (arn:aws:batch:us-east-1:123456789012:job-definition/pitr-a:1)\n"
                + "  image 123456789012.dkr.ecr.us-east-1.amazonaws.com/pitr:1.0, 2 vCPUs,"
                + " 4096 MiB, EC2\n");
    JobDefinition d = definitions("pitr-a").get(0);
    assertThat(d.containerProperties().image())
        .isEqualTo("123456789012.dkr.ecr.us-east-1.amazonaws.com/pitr:1.0");
    assertThat(d.containerProperties().jobRoleArn()).isEqualTo(MotoBatch.ROLE);
    assertThat(d.containerProperties().resourceRequirements())
        .extracting(q -> q.typeAsString() + "=" + q.value())
        .containsExactlyInAnyOrder("VCPU=2", "MEMORY=4096");
    assertThat(d.containerProperties().logConfiguration().logDriverAsString()).isEqualTo("awslogs");
    assertThat(d.platformCapabilitiesAsStrings()).containsExactly("EC2");
    assertThat(d.timeout().attemptDurationSeconds()).isEqualTo(6 * 3600);
    assertThat(d.retryStrategy().attempts()).isEqualTo(4);
    assertThat(d.retryStrategy().evaluateOnExit())
        .extracting(
            e ->
                (e.onStatusReason() != null
                        ? "status " + e.onStatusReason()
                        : e.onExitCode() != null
                            ? "exit " + e.onExitCode()
                            : "reason " + e.onReason())
                    + " -> "
                    + e.actionAsString().toLowerCase())
        .containsExactly(
            "status Host EC2* -> retry",
            "status Your Spot Task was interrupted* -> retry",
            "exit 1 -> retry",
            "reason * -> exit");
  }

  @Test
  void setup_again_registersANewRevision() {
    assertThat(setup("--job-definition", "pitr-b", "--platform", "EC2").out())
        .startsWith("Registered job definition pitr-b:1 ");
    CliRun again = setup("--job-definition", "pitr-b", "--platform", "EC2", "--memory", "8192");

    assertThat(again.out()).startsWith("Registered job definition pitr-b:2 ");
    assertThat(definitions("pitr-b")).extracting(JobDefinition::revision).contains(1, 2);
  }

  @Test
  void setup_fargate_carriesTheExecutionRole() {
    CliRun run =
        setup(
            "--job-definition",
            "pitr-c",
            "--execution-role",
            "arn:aws:iam::123456789012:role/pitr-exec",
            "--output",
            "json");

    assertThat(run.out()).contains("\"jobDefinitionName\" : \"pitr-c\"", "\"revision\" : 1");
    JobDefinition d = definitions("pitr-c").get(0);
    assertThat(d.platformCapabilitiesAsStrings()).containsExactly("FARGATE");
    assertThat(d.containerProperties().executionRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/pitr-exec");
  }

  @Test
  void setup_unknownQueue_exits3AndRegistersNothing() {
    CliRun run = setupOn("nope", "--job-definition", "pitr-d", "--platform", "EC2");

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo(
            "error: Job queue nope does not exist; create it (a compute environment and a job queue, in"
                + " the console or with aws batch create-job-queue) or pass an existing one to"
                + " --job-queue. Nothing was registered\n");
    assertThat(definitions("pitr-d")).isEmpty();
  }

  @Test
  void setup_fargateWithoutExecutionRole_exits2AndRegistersNothing() {
    CliRun run = setup("--job-definition", "pitr-e");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "error: --platform FARGATE needs --execution-role ARN, the role ECS pulls the image");
    assertThat(definitions("pitr-e")).isEmpty();
  }

  @Test
  void setup_dryRun_printsTheJsonAndRegistersNothing() {
    CliRun run = setup("--job-definition", "pitr-f", "--platform", "EC2", "--dry-run");

    assertThat(run.out())
        .contains(
            "\"jobDefinitionName\" : \"pitr-f\"",
            "\"onExitCode\" : \"1\"",
            "\"attemptDurationSeconds\" : 86400",
            "\"logDriver\" : \"awslogs\"");
    assertThat(definitions("pitr-f")).isEmpty();
  }

  @Test
  void setup_jobRoleNotAnArn_exits2() {
    CliRun run = moto.newRun();
    int code =
        run.execute(
            "batch", "setup", "--job-queue", "pitr-queue", "--image", "i", "--job-role", "pitr");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --job-role pitr is not an IAM role ARN; pass one like"
                + " arn:aws:iam::123456789012:role/pitr-job\n");
  }

  @Test
  void setup_fargate_registersTheNetworkAndPlatformConfiguration() {
    CliRun run =
        setup(
            "--job-definition",
            "pitr-g",
            "--execution-role",
            "arn:aws:iam::123456789012:role/pitr-exec",
            "--assign-public-ip",
            "ENABLED",
            "--vcpus",
            "0.5",
            "--memory",
            "3072");

    assertThat(run.err()).isEmpty();
    assertThat(code).isZero();
    assertThat(run.out())
        .contains(
            "  image 123456789012.dkr.ecr.us-east-1.amazonaws.com/pitr:1.0, 0.5 vCPUs, 3072 MiB,"
                + " FARGATE (platform version LATEST, public IP ENABLED)\n");
    JobDefinition d = definitions("pitr-g").get(0);
    assertThat(d.containerProperties().networkConfiguration().assignPublicIpAsString())
        .isEqualTo("ENABLED");
    assertThat(d.containerProperties().fargatePlatformConfiguration().platformVersion())
        .isEqualTo("LATEST");
    assertThat(d.containerProperties().resourceRequirements())
        .extracting(q -> q.typeAsString() + "=" + q.value())
        .containsExactlyInAnyOrder("VCPU=0.5", "MEMORY=3072");
  }

  @Test
  void setup_fargateDryRun_printsThePublicIpDisabledByDefault_andThePlatformVersion() {
    CliRun run =
        setup(
            "--job-definition",
            "pitr-h",
            "--execution-role",
            "arn:aws:iam::123456789012:role/pitr-exec",
            "--dry-run");

    assertThat(code).isZero();
    assertThat(run.out())
        .contains(
            "\"executionRoleArn\" : \"arn:aws:iam::123456789012:role/pitr-exec\"",
            "\"networkConfiguration\" : {\n      \"assignPublicIp\" : \"DISABLED\"\n    }",
            "\"fargatePlatformConfiguration\" : {\n      \"platformVersion\" : \"LATEST\"\n    }",
            "\"platformCapabilities\" : [ \"FARGATE\" ]");
    assertThat(definitions("pitr-h")).isEmpty();
  }

  @Test
  void setup_ec2_carriesNoFargateConfiguration() {
    CliRun run = setup("--job-definition", "pitr-i", "--platform", "EC2", "--dry-run");

    assertThat(code).isZero();
    assertThat(run.out()).doesNotContain("networkConfiguration", "fargatePlatformConfiguration");
  }

  @Test
  void setup_fargateWithASizeFargateDoesNotRun_exits2ListingTheValidOnes_andRegistersNothing() {
    CliRun run =
        setup(
            "--job-definition",
            "pitr-j",
            "--execution-role",
            "arn:aws:iam::123456789012:role/pitr-exec",
            "--vcpus",
            "1",
            "--memory",
            "1024");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Fargate does not run --vcpus 1 with --memory 1024; pass one of its"
                + " combinations (memory in MiB): 0.25 vCPU: 512, 1024 or 2048; 0.5 vCPU: 1024-4096"
                + " in steps of 1024; 1 vCPU: 2048-8192 in steps of 1024; 2 vCPU: 4096-16384 in"
                + " steps of 1024; 4 vCPU: 8192-30720 in steps of 1024; 8 vCPU: 16384-61440 in"
                + " steps of 4096; 16 vCPU: 32768-122880 in steps of 8192. Or pass --platform"
                + " EC2\n");
    assertThat(definitions("pitr-j")).isEmpty();
  }

  @Test
  void setup_fargateWithAVcpuCountFargateDoesNotOffer_exits2() {
    setup(
        "--job-definition",
        "pitr-k",
        "--execution-role",
        "arn:aws:iam::123456789012:role/pitr-exec",
        "--vcpus",
        "3",
        "--memory",
        "8192");

    assertThat(code).isEqualTo(2);
    assertThat(definitions("pitr-k")).isEmpty();
  }

  @Test
  void setup_ec2WithAssignPublicIp_exits2AndRegistersNothing() {
    CliRun run =
        setup("--job-definition", "pitr-l", "--platform", "EC2", "--assign-public-ip", "ENABLED");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --assign-public-ip is for --platform FARGATE; on EC2 the compute environment's"
                + " subnets decide, so drop it\n");
    assertThat(definitions("pitr-l")).isEmpty();
  }
}
