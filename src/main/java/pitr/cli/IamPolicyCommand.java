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
import pitr.iam.CommandPermissions;
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
      "COMMAND is any pitr command that calls AWS (status, copy-back, migrate prod, export, ...),"
          + " or job-role (the role an AWS Batch job runs with).",
      "Give the options that change what the command calls as you give them to it: --source"
          + " export, --bucket and --prefix, --export, --wait, --prod, --checkpoint-table,"
          + " --metrics cloudwatch.",
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
      description =
          "The checkpoint table the command uses; without it, checkpoints and runs are files and"
              + " need no permission (job-role: pitr-checkpoints).")
  String checkpointTable;

  @Option(
      names = "--source",
      paramLabel = "restore|export",
      description = "What rollback or migrate rollback plans from (default: restore).")
  String source;

  @Option(
      names = "--bucket",
      paramLabel = "BUCKET",
      converter = BucketNameConverter.class,
      description =
          "The S3 bucket exports go to or are read from (export, changes, --source export).")
  String bucket;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "The key prefix of the exports in --bucket (default: any key).")
  String prefix;

  @Option(
      names = "--export",
      paramLabel = "ARN",
      description =
          "The export the command reads instead of requesting one: it needs no export permission.")
  String exportArn;

  @Option(names = "--wait", description = "export --wait: it also waits for the export.")
  boolean waitDone;

  @Option(
      names = "--prod",
      description = "migrate resume --prod: it also runs the preflight checks.")
  boolean prod;

  @Option(
      names = "--metrics",
      paramLabel = "log|prometheus|cloudwatch|emf",
      description = "Where the command sends meters; cloudwatch adds cloudwatch:PutMetricData.")
  String metrics;

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
    String name = variant(String.join(" ", command));
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
            checkpointTable != null || !name.equals(CommandPermissions.JOB_ROLE)
                ? checkpointTable
                : "pitr-checkpoints",
            region == null ? "*" : region,
            accountId,
            jobQueue,
            jobDefinition,
            staging(),
            bucket,
            prefix,
            exportArn);
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("command", name);
      result.put("policy", PolicyWriter.policy(name, targets, cloudWatch()));
      Json.print(out, result);
    } else {
      out.println(PolicyWriter.json(name, targets, cloudWatch()));
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

  /**
   * The catalogue's name of what {@code command} calls with the options given: {@code rollback
   * --source export}, {@code changes --export}, {@code export --wait}, {@code migrate resume
   * --prod}.
   */
  private String variant(String command) {
    if (source != null && !source.equals("restore") && !source.equals("export")) {
      throw new PitrException(
          ErrorCode.USAGE, "--source " + source + " is not known; pass restore or export");
    }
    if (metrics != null && !List.of("log", "prometheus", "cloudwatch", "emf").contains(metrics)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--metrics " + metrics + " is not known; pass log, prometheus, cloudwatch or emf");
    }
    if (exportArn != null && command.equals("migrate rollback")) {
      // As the command refuses it, before any call: there is no policy to print for it.
      throw MigrateRollbackCommand.oneExport();
    }
    String name = command;
    if ("export".equals(source)) {
      name += " --source export";
    }
    if (exportArn != null) {
      if (!exportArn.matches("arn:aws[a-z-]*:dynamodb:[^:]+:[^:]+:table/[^/]+/export/.+")) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--export "
                + exportArn
                + " is not an export ARN; pass the one 'pitr export' printed, like"
                + " arn:aws:dynamodb:eu-west-1:123456789012:table/orders/export/01234567890123-a1b2c3d4");
      }
      name += " --export";
    }
    if (waitDone) {
      name += " --wait";
    }
    if (prod) {
      name += " --prod";
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--ledger-table")
        && (command.equals("runs list") || command.equals("runs show"))) {
      name += " --ledger-table";
    }
    if (!name.equals(command) && !CommandPermissions.commands().contains(name)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "'"
              + name
              + "' is not a way to run "
              + command
              + ": those options do not change what it calls, or it has none of them; give one"
              + " of: "
              + String.join(", ", CommandPermissions.commands()));
    }
    if ("cloudwatch".equals(metrics) && !hasMetrics(command)) {
      throw new PitrException(
          ErrorCode.USAGE, "'" + command + "' has no --metrics option; drop --metrics");
    }
    return name;
  }

  private boolean cloudWatch() {
    return "cloudwatch".equals(metrics);
  }

  /** Whether the pitr command {@code command} (e.g. "copy-back") has a --metrics option. */
  private boolean hasMetrics(String command) {
    picocli.CommandLine c = spec.root().commandLine();
    for (String word : command.split(" ")) {
      c = c == null ? null : c.getSubcommands().get(word);
    }
    return c != null && c.getCommandSpec().findOption("--metrics") != null;
  }
}
