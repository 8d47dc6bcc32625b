package pitr.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ItemJson;
import pitr.files.AtomicFiles;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checkpoints in a local directory: {@code runs/<id>/run.json}, one {@code segment-NNNNNN.json} per
 * segment, one {@code lease-I-of-N.json} per worker and one {@code failurelog-<hash>.json} per
 * failure file, each a sealed JSON object ({@link CheckpointFile}) replaced atomically and readable
 * by its owner only, so a killed process leaves the last complete state. Workers of one run may
 * share the directory: each writes only its own segments, lease and failure log.
 *
 * <p>A checkpoint that is empty, cut short or edited is refused with {@link ErrorCode#USAGE},
 * naming the file and what to do: delete a segment file to copy that segment again from its start,
 * a lease to forget when its worker last reported, or start the run over.
 */
public final class FileCheckpoints implements Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(FileCheckpoints.class);

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Written when the run is abandoned: when and by whom. A lease holds heartbeat, owner, expiry.
   */
  private static final String ABANDONED = "abandoned.json";

  private final Path root;

  private FileCheckpoints(Path stateDir) {
    this.root = stateDir.resolve("runs");
  }

  public static FileCheckpoints in(Path stateDir) {
    return new FileCheckpoints(stateDir);
  }

  @Override
  public String describe() {
    return root.toString();
  }

  private Path dir(String runId) {
    return root.resolve(runId);
  }

  private static <T> Mono<T> io(IoCall<T> call) {
    return Mono.fromCallable(call::call).subscribeOn(Schedulers.boundedElastic());
  }

  @FunctionalInterface
  private interface IoCall<T> {
    T call() throws IOException;
  }

  @Override
  public Mono<CopyRunRecord> open(CopyRunRecord run) {
    return io(
        () -> {
          Path file = dir(run.runId()).resolve("run.json");
          if (Files.exists(file)) {
            CopyRunRecord existing = read(run.runId());
            existing.refuseIfAbandoned(describe());
            if (!existing.source().equals(run.source())
                || !existing.target().equals(run.target())
                || existing.totalSegments() != run.totalSegments()) {
              throw new PitrException(
                  ErrorCode.USAGE,
                  "Run "
                      + run.runId()
                      + " copies "
                      + existing.source()
                      + " to "
                      + existing.target()
                      + " in "
                      + existing.totalSegments()
                      + " segments; resume it with the same tables and --segments, or start a"
                      + " new run");
            }
            return existing;
          }
          ObjectNode n = JSON.createObjectNode();
          n.put("runId", run.runId());
          n.put("source", run.source());
          n.put("target", run.target());
          n.put("totalSegments", run.totalSegments());
          if (run.filter() != null) {
            n.put("filter", run.filter());
          }
          if (run.limits() != null) {
            n.set("limits", JSON.readTree(run.limits().toJson()));
          }
          write(file, n);
          return run;
        });
  }

  @Override
  public Mono<CopyRunRecord> find(String runId) {
    return io(() -> Files.exists(dir(runId).resolve("run.json")) ? read(runId) : null);
  }

  private String runFix(String runId) {
    return "to start over, start a new run without --resume (items already copied are written"
        + " again, which is safe), or delete folder "
        + dir(runId)
        + " to forget run "
        + runId;
  }

  private CopyRunRecord read(String runId) throws IOException {
    CheckpointFile run = CheckpointFile.read(dir(runId).resolve("run.json"), runFix(runId));
    RunLimits limits = null;
    if (run.node().has("limits")) {
      try {
        limits = RunLimits.fromJson(run.node().get("limits").toString());
      } catch (IllegalArgumentException e) {
        throw run.broken(e.getMessage());
      }
    }
    RunLease.Tally leases = new RunLease.Tally();
    for (WorkerLease l : readLeases(runId)) {
      leases.add(l.worker(), l.heartbeat(), l.finished(), l.owner(), l.expires());
    }
    return new CopyRunRecord(
        runId,
        run.text("source"),
        run.text("target"),
        run.integer("totalSegments"),
        run.optionalText("filter"),
        leases.heartbeat(),
        leases.finished(),
        limits,
        leases.owner(),
        leases.expires(),
        abandoned(runId));
  }

  @Override
  public Mono<List<WorkerLease>> leases(String runId) {
    return io(() -> Files.exists(dir(runId)) ? readLeases(runId) : List.<WorkerLease>of());
  }

  private List<WorkerLease> readLeases(String runId) throws IOException {
    List<WorkerLease> out = new ArrayList<>();
    for (Path p : files(runId, "lease-")) {
      CheckpointFile lease =
          CheckpointFile.read(
              p, "delete it: it only records when its worker last reported, and the run goes on");
      JsonNode n = lease.node();
      try {
        String[] name = p.getFileName().toString().replace(".json", "").split("-");
        Worker worker =
            n.hasNonNull("worker")
                ? Worker.parse(n.get("worker").asText())
                : new Worker(Integer.parseInt(name[1]), Integer.parseInt(name[3]));
        WorkerProgress progress =
            n.hasNonNull("started")
                ? new WorkerProgress(
                    Instant.parse(n.get("started").asText()),
                    n.path("items").asLong(),
                    n.path("wcu").asDouble(),
                    n.path("failed").asLong())
                : null;
        out.add(
            new WorkerLease(
                worker,
                Instant.parse(lease.text("heartbeat")),
                lease.bool("finished"),
                owner(n),
                n.hasNonNull("expires") ? Instant.parse(n.get("expires").asText()) : null,
                progress));
      } catch (DateTimeParseException e) {
        throw lease.broken("its heartbeat or expiry is not an instant");
      } catch (RuntimeException e) {
        if (e instanceof PitrException) {
          throw e;
        }
        throw lease.broken("its worker is not I-of-N");
      }
    }
    out.sort(java.util.Comparator.comparingInt(l -> l.worker().index()));
    return out;
  }

  /** The owner a lease or an abandon mark records, or null when it records none. */
  private static RunOwner owner(JsonNode n) {
    if (!n.hasNonNull("host") || !n.hasNonNull("pid")) {
      return null;
    }
    return new RunOwner(
        n.get("host").asText(),
        n.get("pid").asLong(),
        n.hasNonNull("batchJobId") ? n.get("batchJobId").asText() : null);
  }

  private static void putOwner(ObjectNode n, RunOwner owner) {
    n.put("host", owner.host());
    n.put("pid", owner.pid());
    if (owner.batchJobId() != null) {
      n.put("batchJobId", owner.batchJobId());
    }
  }

  private CopyRunRecord.Abandoned abandoned(String runId) {
    Path file = dir(runId).resolve(ABANDONED);
    if (!Files.exists(file)) {
      return null;
    }
    CheckpointFile mark =
        CheckpointFile.read(
            file, "delete it to make run " + runId + " resumable again, or abandon the run again");
    try {
      return new CopyRunRecord.Abandoned(
          Instant.parse(mark.text("abandonedAt")), owner(mark.node()));
    } catch (DateTimeParseException e) {
      throw mark.broken("its abandonedAt is not an instant");
    }
  }

  @Override
  public Mono<Void> abandon(String runId, RunOwner by, Instant at) {
    return io(() -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("abandonedAt", at.toString());
          putOwner(n, by);
          write(dir(runId).resolve(ABANDONED), n);
          return true;
        })
        .then();
  }

  @Override
  public Mono<Map<Integer, SegmentPosition>> positions(String runId) {
    return io(
        () -> {
          Map<Integer, SegmentPosition> out = new HashMap<>();
          for (Path p : files(runId, "segment-")) {
            CheckpointFile n =
                CheckpointFile.read(
                    p,
                    "delete it to copy that segment again from its start (copy-back writes are"
                        + " safe to repeat)");
            int segment = n.integer("segment");
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> after = null;
            if (n.node().hasNonNull("resumeAfter")) {
              try {
                after = ItemJson.fromNode(n.node().get("resumeAfter"));
              } catch (RuntimeException e) {
                throw n.broken("its resumeAfter is not a key in DynamoDB JSON");
              }
            }
            out.put(segment, new SegmentPosition(segment, after, n.bool("done")));
          }
          return out;
        });
  }

  @Override
  public Mono<Void> save(String runId, SegmentPosition position) {
    // The resume key is item data: said to be there, never printed.
    log.debug(
        "checkpoint run={} segment={} done={} resume_after={}",
        runId,
        position.segment(),
        position.done(),
        position.resumeAfter() == null ? "none" : "set");
    return io(() -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("segment", position.segment());
          if (position.resumeAfter() != null) {
            n.set("resumeAfter", ItemJson.toNode(position.resumeAfter()));
          }
          n.put("done", position.done());
          write(dir(runId).resolve(String.format("segment-%06d.json", position.segment())), n);
          return true;
        })
        .then();
  }

  @Override
  public Mono<Void> heartbeat(
      String runId, Worker worker, Instant now, boolean finished, WorkerProgress progress) {
    return io(() -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("worker", worker.toString());
          n.put("heartbeat", now.toString());
          n.put("finished", finished);
          putOwner(n, RunOwner.current());
          n.put("expires", RunLease.expiry(now).toString());
          if (progress != null) {
            n.put("started", progress.started().toString());
            n.put("items", progress.items());
            n.put("wcu", progress.wcu());
            n.put("failed", progress.failed());
          }
          write(
              dir(runId).resolve("lease-" + worker.index() + "-of-" + worker.count() + ".json"), n);
          return true;
        })
        .then();
  }

  @Override
  public Mono<Void> saveJob(String runId, RunJob job) {
    return io(() -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("jobId", job.jobId());
          n.put("jobQueue", job.jobQueue());
          n.put("workers", job.workers());
          n.put("submittedAt", job.submittedAt().toString());
          job.command().forEach(n.putArray("command")::add);
          write(dir(runId).resolve("job.json"), n);
          return true;
        })
        .then();
  }

  @Override
  public Mono<RunJob> job(String runId) {
    return io(
        () -> {
          Path file = dir(runId).resolve("job.json");
          if (!Files.exists(file)) {
            return null;
          }
          CheckpointFile job =
              CheckpointFile.read(
                  file, "delete it: it only names the job the run was submitted as");
          try {
            return new RunJob(
                job.text("jobId"),
                job.text("jobQueue"),
                job.integer("workers"),
                Instant.parse(job.text("submittedAt")),
                java.util.stream.StreamSupport.stream(
                        job.node().path("command").spliterator(), false)
                    .map(JsonNode::asText)
                    .toList());
          } catch (DateTimeParseException e) {
            throw job.broken("its submittedAt is not an instant");
          }
        });
  }

  @Override
  public Mono<Void> saveFailureLog(String runId, FailureLog log) {
    return io(() -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("file", log.file().toString());
          n.put("worker", log.worker().toString());
          n.put("records", log.records());
          n.put("resolved", log.resolved());
          write(dir(runId).resolve(failureLogName(log.file())), n);
          return true;
        })
        .then();
  }

  /** The checkpoint file of the failure file {@code file}: one per failure file. */
  static String failureLogName(Path file) {
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
      return "failurelog-" + HexFormat.of().formatHex(hash, 0, 8) + ".json";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public Mono<List<FailureLog>> failureLogs(String runId) {
    return io(
        () -> {
          List<FailureLog> out = new ArrayList<>();
          for (Path p : files(runId, "failurelog-")) {
            CheckpointFile n =
                CheckpointFile.read(
                    p,
                    "delete it, then replay the failure file it describes (a failures-*.jsonl in "
                        + dir(runId)
                        + ") with pitr copy-back --replay FILE --to TABLE");
            Worker worker;
            try {
              worker = Worker.parse(n.text("worker"));
            } catch (PitrException e) {
              throw n.broken("its worker is not I/N");
            }
            out.add(
                new FailureLog(
                    Path.of(n.text("file")), worker, n.number("records"), n.bool("resolved")));
          }
          return out;
        });
  }

  @Override
  public Flux<CopyRunRecord> runs() {
    return io(() -> {
          if (!Files.isDirectory(root)) {
            return List.<CopyRunRecord>of();
          }
          try (Stream<Path> dirs = Files.list(root)) {
            List<CopyRunRecord> out = new ArrayList<>();
            for (Path d : dirs.sorted().toList()) {
              if (Files.exists(d.resolve("run.json"))) {
                out.add(read(d.getFileName().toString()));
              }
            }
            return out;
          }
        })
        .flatMapMany(Flux::fromIterable);
  }

  /** The checkpoint files of a run with this prefix, in name order. */
  private List<Path> files(String runId, String prefix) throws IOException {
    if (!Files.isDirectory(dir(runId))) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir(runId))) {
      return files.filter(f -> checkpoint(f, prefix)).sorted().toList();
    }
  }

  /**
   * True for a checkpoint file of this kind, false for anything else, such as the temporary file of
   * a write that a killed process left behind.
   */
  private static boolean checkpoint(Path file, String prefix) {
    String name = file.getFileName().toString();
    return name.startsWith(prefix) && name.endsWith(".json");
  }

  private static void write(Path file, ObjectNode n) throws IOException {
    AtomicFiles.createPrivateDirectories(file.getParent());
    CheckpointFile.write(file, n);
  }
}
