package pitr.copy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The process a run's heartbeat comes from: host name, process id and, inside AWS Batch, the job id
 * ({@code AWS_BATCH_JOB_ID}), so an operator can find the process, or its job, and stop it.
 *
 * @param host the host name
 * @param pid the process id on that host
 * @param batchJobId the AWS Batch job id, or null outside AWS Batch
 */
public record RunOwner(String host, long pid, String batchJobId) {
  private static volatile RunOwner current;

  /** This process. */
  public static RunOwner current() {
    RunOwner owner = current;
    if (owner == null) {
      owner = of(System.getenv());
      current = owner;
    }
    return owner;
  }

  /** This process, with the Batch job id from {@code env} ({@code AWS_BATCH_JOB_ID}). */
  public static RunOwner of(java.util.Map<String, String> env) {
    String job = env.get("AWS_BATCH_JOB_ID");
    return new RunOwner(
        localHost(), ProcessHandle.current().pid(), job == null || job.isBlank() ? null : job);
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "unknown-host" : env;
    }
  }

  /**
   * Whether this is a process of this host that no longer runs (killed, say with kill -9), so its
   * leases need not lapse before its work is taken over. Never for another host's process, nor when
   * both it and this process run in AWS Batch, whose process ids may be of other namespaces.
   */
  public boolean gone() {
    RunOwner me = current();
    if (!host.equals(me.host()) || (batchJobId != null && me.batchJobId() != null)) {
      return false;
    }
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  /**
   * E.g. {@code host ip-10-0-1-7 pid 4242} or {@code host ip-10-0-1-7 pid 1 (AWS Batch job
   * 5d1e:3)}.
   */
  public String describe() {
    return "host "
        + host
        + " pid "
        + pid
        + (batchJobId == null ? "" : " (AWS Batch job " + batchJobId + ")");
  }
}
