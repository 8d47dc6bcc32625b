package pitr.copy;

import java.time.Instant;
import java.util.List;

/**
 * The AWS Batch job a run was submitted as ({@code --submit batch}), recorded with the run's
 * checkpoints so {@code pitr runs show} and {@code pitr logs RUN_ID} find it from the run id.
 *
 * @param jobId the job id (of the array job when {@code workers} is more than 1)
 * @param jobQueue the queue it was submitted to
 * @param workers the array size (1 for a single job)
 * @param submittedAt when it was submitted
 * @param command the arguments each worker runs ({@code --worker auto/N} among them)
 */
public record RunJob(
    String jobId, String jobQueue, int workers, Instant submittedAt, List<String> command) {
  public RunJob {
    command = List.copyOf(command);
  }

  /**
   * The command that resumes worker {@code index} (1-based) of run {@code runId} here: the workers'
   * command with {@code --resume RUN_ID} for {@code --run-id} and {@code --worker I/N} for {@code
   * --worker auto/N}.
   */
  public String resumeCommand(String runId, int index) {
    StringBuilder out = new StringBuilder("pitr");
    boolean resumed = false;
    for (int i = 0; i < command.size(); i++) {
      String a = command.get(i);
      if ((a.equals("--run-id") || a.equals("--resume")) && i + 1 < command.size()) {
        out.append(" --resume ").append(runId);
        resumed = true;
        i++;
      } else if (a.equals("--worker") && i + 1 < command.size()) {
        out.append(" --worker ").append(index).append('/').append(workers);
        i++;
      } else {
        out.append(' ')
            .append(
                a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*")
                    ? "'" + a.replace("'", "'\\''") + "'"
                    : a);
      }
    }
    if (!resumed) {
      out.append(" --resume ").append(runId);
    }
    return out.toString();
  }

  /**
   * The job id of worker {@code index} (1-based): {@code jobId:index-1} in an array job, else the
   * job id.
   */
  public String childId(int index) {
    return workers > 1 ? jobId + ":" + (index - 1) : jobId;
  }

  /** The array job's id from a child's {@code AWS_BATCH_JOB_ID} ({@code parent:index}). */
  public static String parentOf(String batchJobId) {
    int colon = batchJobId.indexOf(':');
    return colon < 0 ? batchJobId : batchJobId.substring(0, colon);
  }
}
