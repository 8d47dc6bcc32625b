package pitr.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ItemJson;
import pitr.files.AtomicFiles;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checkpoints in a local directory: {@code runs/<id>/run.json}, one {@code segment-NNNNNN.json} per
 * segment and one {@code lease-I-of-N.json} per worker, each replaced atomically, so a killed
 * process leaves the last complete state. Workers of one run may share the directory: each writes
 * only its own segments and lease.
 */
public final class FileCheckpoints implements Checkpoints {
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
          Files.createDirectories(file.getParent());
          ObjectNode n = JSON.createObjectNode();
          n.put("runId", run.runId());
          n.put("source", run.source());
          n.put("target", run.target());
          n.put("totalSegments", run.totalSegments());
          if (run.filter() != null) {
            n.put("filter", run.filter());
          }
          write(file, n);
          return run;
        });
  }

  @Override
  public Mono<CopyRunRecord> find(String runId) {
    return io(() -> Files.exists(dir(runId).resolve("run.json")) ? read(runId) : null);
  }

  private CopyRunRecord read(String runId) throws IOException {
    JsonNode n = JSON.readTree(dir(runId).resolve("run.json").toFile());
    RunLease.Tally leases = new RunLease.Tally();
    try (Stream<Path> files = Files.list(dir(runId))) {
      for (Path p : files.filter(f -> checkpoint(f, "lease-")).toList()) {
        JsonNode lease = JSON.readTree(p.toFile());
        leases.add(
            Instant.parse(lease.get("heartbeat").asText()),
            lease.get("finished").asBoolean(),
            owner(lease),
            lease.hasNonNull("expires") ? Instant.parse(lease.get("expires").asText()) : null);
      }
    }
    return new CopyRunRecord(
        runId,
        n.get("source").asText(),
        n.get("target").asText(),
        n.get("totalSegments").asInt(),
        n.hasNonNull("filter") ? n.get("filter").asText() : null,
        leases.heartbeat(),
        leases.finished(),
        leases.owner(),
        leases.expires(),
        abandoned(runId));
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

  private CopyRunRecord.Abandoned abandoned(String runId) throws IOException {
    Path file = dir(runId).resolve(ABANDONED);
    if (!Files.exists(file)) {
      return null;
    }
    JsonNode n = JSON.readTree(file.toFile());
    return new CopyRunRecord.Abandoned(Instant.parse(n.get("abandonedAt").asText()), owner(n));
  }

  @Override
  public Mono<Void> abandon(String runId, RunOwner by, Instant at) {
    return io(() -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("abandonedAt", at.toString());
          putOwner(n, by);
          AtomicFiles.writeString(dir(runId).resolve(ABANDONED), JSON.writeValueAsString(n));
          return true;
        })
        .then();
  }

  @Override
  public Mono<Map<Integer, SegmentPosition>> positions(String runId) {
    return io(
        () -> {
          Map<Integer, SegmentPosition> out = new HashMap<>();
          if (!Files.isDirectory(dir(runId))) {
            return out;
          }
          try (Stream<Path> files = Files.list(dir(runId))) {
            List<Path> segments = files.filter(f -> checkpoint(f, "segment-")).toList();
            for (Path p : segments) {
              JsonNode n = JSON.readTree(p.toFile());
              int segment = n.get("segment").asInt();
              out.put(
                  segment,
                  new SegmentPosition(
                      segment,
                      n.hasNonNull("resumeAfter") ? ItemJson.fromNode(n.get("resumeAfter")) : null,
                      n.get("done").asBoolean()));
            }
          }
          return out;
        });
  }

  @Override
  public Mono<Void> save(String runId, SegmentPosition position) {
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
  public Mono<Void> heartbeat(String runId, Worker worker, Instant now, boolean finished) {
    return io(() -> {
          ObjectNode n = JSON.createObjectNode();
          n.put("worker", worker.toString());
          n.put("heartbeat", now.toString());
          n.put("finished", finished);
          putOwner(n, RunOwner.current());
          n.put("expires", RunLease.expiry(now).toString());
          write(
              dir(runId).resolve("lease-" + worker.index() + "-of-" + worker.count() + ".json"), n);
          return true;
        })
        .then();
  }

  @Override
  public Flux<CopyRunRecord> runs() {
    return io(() -> {
          if (!Files.isDirectory(root)) {
            return List.<CopyRunRecord>of();
          }
          try (Stream<Path> dirs = Files.list(root)) {
            List<CopyRunRecord> out = new java.util.ArrayList<>();
            for (Path d : dirs.toList()) {
              if (Files.exists(d.resolve("run.json"))) {
                out.add(read(d.getFileName().toString()));
              }
            }
            return out;
          }
        })
        .flatMapMany(Flux::fromIterable);
  }

  /**
   * True for a checkpoint file of this kind, false for anything else, such as the temporary file of
   * a write that a killed process left behind.
   */
  private static boolean checkpoint(Path file, String prefix) {
    String name = file.getFileName().toString();
    return name.startsWith(prefix) && name.endsWith(".json");
  }

  private static void write(Path file, JsonNode n) throws IOException {
    Files.createDirectories(file.getParent());
    // Workers in other processes may write the same file (run.json): the name must be theirs.
    Path tmp =
        file.resolveSibling(
            file.getFileName()
                + ".tmp"
                + ProcessHandle.current().pid()
                + "-"
                + Thread.currentThread().getId());
    Files.write(tmp, JSON.writeValueAsBytes(n));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
