package pitr.copy;

import java.time.Duration;
import java.time.Instant;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.Durations;

/**
 * How long a run's heartbeat holds: a working process renews it every {@link #heartbeatEvery()} (30
 * seconds), and each renewal holds for {@link #MULTIPLE} periods, so two missed renewals (a slow
 * checkpoint store) do not make a live run look dead, and a killed run is reported dead about 90
 * seconds after its last heartbeat.
 *
 * <p>Each lease records its own expiry, written by the process that renews it, so readers need not
 * know the writer's period. Clocks of the machines sharing a checkpoint store should agree to well
 * within a period.
 */
public final class RunLease {
  /** The default heartbeat period. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(30);

  /** A lease lasts this many heartbeat periods. */
  public static final int MULTIPLE = 3;

  /** Hidden system property with another period (e.g. {@code 1s}), for tests. */
  static final String PROPERTY = "pitr.heartbeat";

  private RunLease() {}

  /** How often a working process renews its heartbeat: {@value #PROPERTY} if set, else 30s. */
  public static Duration heartbeatEvery() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      return HEARTBEAT;
    }
    try {
      Duration d = Durations.parse(configured);
      if (!d.isZero() && !d.isNegative()) {
        return d;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new PitrException(
        ErrorCode.USAGE,
        "-D"
            + PROPERTY
            + "="
            + configured
            + " is not a positive duration; pass e.g. 30s or unset it");
  }

  /** When a heartbeat renewed at {@code heartbeat} by this process lapses. */
  public static Instant expiry(Instant heartbeat) {
    return heartbeat.plus(heartbeatEvery().multipliedBy(MULTIPLE));
  }

  /** The expiry of a lease written before leases recorded theirs: the default period's. */
  static Instant legacyExpiry(Instant heartbeat) {
    return heartbeat.plus(HEARTBEAT.multipliedBy(MULTIPLE));
  }

  /**
   * The leases of one run's workers, added one by one, summed up as its record needs them: the
   * latest heartbeat of an unfinished worker (else the latest of all) with its owner, the latest
   * expiry of an unfinished worker, and whether the run finished: every one of its N workers
   * finished (a worker that has not started yet, say a Batch child still queued, has no lease, and
   * the run is not finished without it).
   */
  static final class Tally {
    private Instant latest;
    private RunOwner latestOwner;
    private Instant open;
    private RunOwner openOwner;
    private Instant expires;
    private boolean any;
    private boolean allFinished = true;
    private int workers;
    private final java.util.Set<Integer> finishedWorkers = new java.util.HashSet<>();

    /** Adds the lease of {@code worker}. */
    void add(Worker worker, Instant heartbeat, boolean finished, RunOwner owner, Instant expires) {
      workers = Math.max(workers, worker.count());
      if (finished) {
        finishedWorkers.add(worker.index());
      }
      add(heartbeat, finished, owner, expires);
    }

    /**
     * Adds one worker's lease.
     *
     * @param owner null for a lease written before leases recorded their owner
     * @param expires null for a lease written before leases recorded their expiry
     */
    void add(Instant heartbeat, boolean finished, RunOwner owner, Instant expires) {
      any = true;
      allFinished &= finished;
      if (latest == null || heartbeat.isAfter(latest)) {
        latest = heartbeat;
        latestOwner = owner;
      }
      if (!finished) {
        if (open == null || heartbeat.isAfter(open)) {
          open = heartbeat;
          openOwner = owner;
        }
        Instant e = expires != null ? expires : legacyExpiry(heartbeat);
        this.expires = this.expires == null || e.isAfter(this.expires) ? e : this.expires;
      }
    }

    Instant heartbeat() {
      return open != null ? open : latest;
    }

    RunOwner owner() {
      return open != null ? openOwner : latestOwner;
    }

    /** The latest expiry of an unfinished worker's lease, or null when none is unfinished. */
    Instant expires() {
      return expires;
    }

    boolean finished() {
      return any && allFinished && finishedWorkers.size() >= workers;
    }
  }
}
