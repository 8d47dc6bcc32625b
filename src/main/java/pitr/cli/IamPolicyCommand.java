package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.StagedFiles;
import pitr.iam.PolicyTargets;
import pitr.iam.PolicyWriter;

/**
 * {@code pitr iam-policy COMMAND}: prints the least-privilege IAM policy document that exactly that
 * command needs on the named tables. Calls nothing.
 */
@Command(
    name = "iam-policy",
    mixinStandardHelpOptions = true,
    description = {
      "Print the IAM policy document COMMAND needs, and call nothing.",
      "It covers the actions on each TABLE, its recovery tables (TABLE-recovery-*), and the ledger,"
          + " journal and checkpoint tables the command uses.",
      "COMMAND is status, restore, copy-back, diff, drop, rollback, runs list, migrate"
          + " dev|prod|list|rollback|submit, batch setup or logs, or job-role (the role an AWS Batch"
          + " job runs with).",
      "Region and account default to * (any); pass --region and --account-id to pin them."
    })
@TargetUse(
    why = "prints a policy document and calls nothing",
    uses = {"--region"})
final class IamPolicyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "1..2",
      paramLabel = "COMMAND",
      description = "The command, one or two words: copy-back, migrate prod, job-role, ...")
  List<String> command = new ArrayList<>();

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "A table the command works on; repeat for several (e.g. --table orders).")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--account-id",
      paramLabel = "ID",
      defaultValue = "*",
      description = "The 12-digit AWS account of the ARNs (default: ${DEFAULT-VALUE}, any).")
  String accountId;

  @Option(
      names = "--ledger-table",
      paramLabel = "TABLE",
      defaultValue = "pitr-ledger",
      description = "The migration ledger table (default: ${DEFAULT-VALUE}).")
  String ledgerTable;

  @Option(
      names = "--journal-table",
      paramLabel = "TABLE",
      defaultValue = "pitr-journal",
      description = "The write-ahead journal table (default: ${DEFAULT-VALUE}).")
  String journalTable;

  @Option(
      names = "--checkpoint-table",
      paramLabel = "TABLE",
      defaultValue = "pitr-checkpoints",
      description = "The copy-back checkpoint table (default: ${DEFAULT-VALUE}).")
  String checkpointTable;

  @Option(
      names = "--job-queue",
      paramLabel = "QUEUE",
      defaultValue = "*",
      description = "The AWS Batch job queue jobs go to (default: ${DEFAULT-VALUE}, any).")
  String jobQueue;

  @Option(
      names = "--job-definition",
      paramLabel = "NAME",
      defaultValue = "pitr",
      description = "pitr's AWS Batch job definition (default: ${DEFAULT-VALUE}).")
  String jobDefinition;

  @Option(
      names = "--stage",
      paramLabel = "S3_URI",
      description =
          "Where --submit batch --stage uploads the workers' files, e.g. s3://my-bucket/pitr;"
              + " the job role may read them (default: any).")
  String stage;

  @Override
  public Integer call() {
    String name = String.join(" ", command);
    if (!accountId.equals("*") && !accountId.matches("\\d{12}")) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--account-id " + accountId + ": not an AWS account id; give its 12 digits");
    }
    String region = PitrCommand.of(spec).target().region;
    PolicyTargets targets =
        new PolicyTargets(
            List.copyOf(tables),
            ledgerTable,
            journalTable,
            checkpointTable,
            region == null ? "*" : region,
            accountId,
            jobQueue,
            jobDefinition,
            staging());
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("command", name);
      result.put("policy", PolicyWriter.policy(name, targets));
      Json.print(out, result);
    } else {
      out.println(PolicyWriter.json(name, targets));
      out.flush();
    }
    return ErrorCode.OK.exitCode();
  }

  /** {@code BUCKET/PREFIX} of {@code --stage}, or {@code *}. */
  private String staging() {
    if (stage == null) {
      return "*";
    }
    StagedFiles.Location l = StagedFiles.Location.parse("--stage", stage, false);
    String prefix = l.key().replaceAll("/+$", "");
    return l.bucket() + (prefix.isEmpty() ? "" : "/" + prefix);
  }
}
