package pitr.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import pitr.PitrException;
import pitr.batch.BatchGateway;
import pitr.migrate.JobSubmission;
import pitr.migrate.MigrationEnvironment;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * The ledger's submissions ({@code migrate submit}) for {@code migrate list}, with each job's state
 * from DescribeJobs when AWS Batch answers (a list never fails because it does not).
 */
final class SubmittedJobs {
  static final SubmittedJobs NONE = new SubmittedJobs(List.of(), Map.of());

  private final Map<String, List<JobSubmission>> byMigration;
  private final Map<String, String> states;

  private SubmittedJobs(List<JobSubmission> all, Map<String, String> states) {
    this.byMigration =
        all.stream()
            .collect(
                Collectors.groupingBy(
                    JobSubmission::migration, LinkedHashMap::new, Collectors.toList()));
    this.states = states;
  }

  /** The submissions in the ledger, and the states of their jobs (no Batch call when none). */
  static SubmittedJobs read(CommandSpec spec, MigrationEnvironment env) {
    List<JobSubmission> all = env.submissions().list().block();
    List<String> ids = all.stream().map(JobSubmission::jobId).filter(id -> id != null).toList();
    Map<String, String> states = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      try (BatchAsyncClient client = new AwsClients(PitrCommand.of(spec).target()).batch()) {
        for (JobDetail j : new BatchGateway(client).describe(ids).block()) {
          states.put(j.jobId(), j.statusAsString());
        }
      } catch (PitrException e) {
        // The states are a courtesy; the ledger is what the list reports.
      }
    }
    return new SubmittedJobs(all, states);
  }

  boolean has(String migration) {
    return byMigration.containsKey(migration);
  }

  /** One line per submission of {@code migration}. */
  List<String> lines(String migration) {
    List<String> lines = new ArrayList<>();
    for (JobSubmission s : byMigration.getOrDefault(migration, List.of())) {
      String what =
          s.jobId() != null
              ? "job "
                  + s.jobId()
                  + " on queue "
                  + s.jobQueue()
                  + " ("
                  + states.getOrDefault(s.jobId(), "state unknown")
                  + ")"
              : "schedule "
                  + s.scheduleName()
                  + " "
                  + s.scheduleExpression()
                  + " on queue "
                  + s.jobQueue();
      lines.add("  submitted " + s.submittedAt() + " by " + s.submitter() + ": " + what);
    }
    return lines;
  }

  List<Map<String, Object>> json(String migration) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JobSubmission s : byMigration.getOrDefault(migration, List.of())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("submittedAt", s.submittedAt().toString());
      m.put("submitter", s.submitter());
      m.put("jobQueue", s.jobQueue());
      m.put("jobName", s.jobName());
      m.put("jobId", s.jobId());
      m.put("jobStatus", s.jobId() == null ? null : states.get(s.jobId()));
      m.put("scheduleName", s.scheduleName());
      m.put("scheduleExpression", s.scheduleExpression());
      rows.add(m);
    }
    return rows;
  }
}
