package pitr.batch;

import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Worker;

/**
 * What AWS Batch tells a container about the job it runs in: {@code AWS_BATCH_JOB_ID} ({@code
 * parent-id:index} for an array child) and, in an array job, {@code AWS_BATCH_JOB_ARRAY_INDEX}
 * (0-based). Batch sets no variable for the array size, so the submitted command carries it: {@code
 * --worker auto/N}. Read from an environment map, so tests inject one.
 */
public final class ArrayJob {
  /** The 0-based index of an array job's child. */
  public static final String ARRAY_INDEX = "AWS_BATCH_JOB_ARRAY_INDEX";

  /** The job id, {@code parent-id:index} in an array child. */
  public static final String JOB_ID = "AWS_BATCH_JOB_ID";

  private ArrayJob() {}

  /**
   * The worker {@code --worker TEXT} names: {@code I/N}, or {@code auto/N}, whose I is {@code
   * AWS_BATCH_JOB_ARRAY_INDEX + 1}.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when the text is not I/N or auto/N, or, for
   *     auto/N, when the index is missing, not a number or not below N; nothing has started then
   */
  public static Worker worker(String text, Map<String, String> env) {
    String trimmed = text.trim();
    if (!trimmed.regionMatches(true, 0, "auto/", 0, 5)) {
      return Worker.parse(trimmed);
    }
    int count;
    try {
      count = Integer.parseInt(trimmed.substring(5).trim());
    } catch (NumberFormatException e) {
      count = 0;
    }
    if (count < 1) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--worker "
              + text
              + " is invalid; pass auto/N with N the array size, e.g. --worker auto/3");
    }
    String index = env.get(ARRAY_INDEX);
    if (index == null || index.isBlank()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--worker "
              + trimmed
              + " takes the worker from "
              + ARRAY_INDEX
              + ", which is not set: auto works only inside an AWS Batch array job; outside one"
              + " pass --worker I/N, e.g. --worker 1/"
              + count);
    }
    int i;
    try {
      i = Integer.parseInt(index.trim());
    } catch (NumberFormatException e) {
      i = -1;
    }
    if (i < 0 || i >= count) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--worker "
              + trimmed
              + ": "
              + ARRAY_INDEX
              + " is "
              + index.trim()
              + ", outside 0-"
              + (count - 1)
              + "; the array job's size must equal N, so submit it with size "
              + count
              + " or pass --worker auto/N with N its size");
    }
    return new Worker(i + 1, count);
  }

  /** The Batch job id in {@code env}, or null outside AWS Batch. */
  public static String jobId(Map<String, String> env) {
    String id = env.get(JOB_ID);
    return id == null || id.isBlank() ? null : id.trim();
  }

  /**
   * {@code host}, followed by the Batch job when {@code env} has one: {@code ip-10-0-1-7 (AWS Batch
   * job 5d1e:2)}, as the ledger records where a run ran.
   */
  public static String host(String host, Map<String, String> env) {
    String job = jobId(env);
    return job == null ? host : host + " (AWS Batch job " + job + ")";
  }
}
