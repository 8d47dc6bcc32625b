package pitr.copy;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ItemJson;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The limits a copy-back run was started with, recorded in its checkpoints so that a resume keeps
 * them: the write and read caps, the batches in flight, the filter with its placeholders, and the
 * keys file with its SHA-256. (Its segments are the run's {@link CopyRunRecord#totalSegments()}.)
 *
 * <p>A resume takes the run's value for every limit not given again ({@link #resume}). A cap or
 * {@code --concurrency} given again may be lower, and is then used for this process only; a higher
 * one, or a cap removed with 0, is refused with {@link ErrorCode#USAGE}: copying faster than the
 * run was allowed to takes a new run, which the message spells out. So is a keys file that is not
 * the run's, or is the run's but changed since it started (its SHA-256 differs).
 *
 * @param maxWcu write-unit cap per second; 0 for none
 * @param maxRcu read-unit cap per second; 0 for none
 * @param concurrency batches in flight at most
 * @param filter the filter expression, or null
 * @param filterNames the filter's name placeholders
 * @param filterValues the filter's value placeholders
 * @param keys the keys file (its S3 address or absolute path, and SHA-256), or null
 * @param deleteExtra whether the run deletes the target's items the source lacks ({@code
 *     --delete-extra}): a resume does too, with or without the option
 */
public record RunLimits(
    double maxWcu,
    double maxRcu,
    int concurrency,
    String filter,
    Map<String, String> filterNames,
    Map<String, AttributeValue> filterValues,
    KeysOrigin keys,
    boolean deleteExtra) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The options of a run that a resume may give again. */
  public enum Limit {
    SEGMENTS("--segments"),
    CONCURRENCY("--concurrency"),
    MAX_WCU("--max-wcu"),
    MAX_RCU("--max-rcu"),
    /** {@code --filter} with its {@code --filter-names} and {@code --filter-values}. */
    FILTER("--filter"),
    KEYS("--keys");

    private final String option;

    Limit(String option) {
      this.option = option;
    }

    /** The command-line option. */
    public String option() {
      return option;
    }
  }

  public RunLimits {
    filterNames = filterNames == null ? Map.of() : Map.copyOf(filterNames);
    filterValues = filterValues == null ? Map.of() : Map.copyOf(filterValues);
  }

  /** Limits of a run that deletes nothing the source lacks. */
  public RunLimits(
      double maxWcu,
      double maxRcu,
      int concurrency,
      String filter,
      Map<String, String> filterNames,
      Map<String, AttributeValue> filterValues,
      KeysOrigin keys) {
    this(maxWcu, maxRcu, concurrency, filter, filterNames, filterValues, keys, false);
  }

  /**
   * The limits a run of {@code items} at {@code throughput} records: its caps and batches in
   * flight, and its filter or keys file (its origin). A replay records neither.
   */
  static RunLimits of(CopyRequest.Throughput throughput, CopySource items, boolean deleteExtra) {
    String filter = null;
    Map<String, String> names = Map.of();
    Map<String, AttributeValue> values = Map.of();
    KeysOrigin keys = null;
    if (items instanceof CopySource.Scan scan) {
      filter = scan.filter();
      names = scan.names();
      values = scan.values();
    } else if (items instanceof CopySource.Keys k) {
      keys = k.origin();
    }
    return new RunLimits(
        throughput.maxWcu(),
        throughput.maxRcu(),
        throughput.concurrency(),
        filter,
        names,
        values,
        keys,
        deleteExtra);
  }

  /**
   * The items these limits copy: the keys file, else a scan with the filter.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when they name both a filter and a keys file, or
   *     a keys file in S3 (whoever resumes fetches and checks it, and passes it as the request's)
   */
  CopySource source() {
    if (keys != null && keys.inS3()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "The run reads its keys from "
              + keys.address()
              + "; fetch it and pass it as --keys to resume the run");
    }
    CopySource items =
        CopySource.of(
            keys == null ? null : Path.of(keys.address()), null, filter, filterNames, filterValues);
    return items instanceof CopySource.Keys k ? new CopySource.Keys(k.file(), keys) : items;
  }

  /**
   * Resolves the request of a resume ({@code --resume}): its tables, segments and every limit not
   * in {@code given} come from the run's checkpoints.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when the run does not exist, or a limit given
   *     exceeds the run's (see the class comment)
   */
  public static Mono<CopyRequest> resume(
      Checkpoints checkpoints, CopyRequest request, Set<Limit> given) {
    return checkpoints
        .find(request.runId())
        .switchIfEmpty(Mono.error(() -> noRun(request.runId(), checkpoints)))
        .map(run -> resume(run, request, given));
  }

  /** The refusal of a resume whose run {@code checkpoints} do not know. */
  public static PitrException noRun(String runId, Checkpoints checkpoints) {
    return new PitrException(
        ErrorCode.USAGE,
        "No copy-back run "
            + runId
            + " in "
            + checkpoints.describe()
            + "; check --state-dir or --checkpoint-table");
  }

  /** The request of a resume of {@code run}: see {@link #resume(Checkpoints, CopyRequest, Set)}. */
  public static CopyRequest resume(CopyRunRecord run, CopyRequest r, Set<Limit> given) {
    String source = r.source() != null ? r.source() : run.source();
    String target = r.target() != null ? r.target() : run.target();
    int segments = given.contains(Limit.SEGMENTS) ? r.throughput().segments() : run.totalSegments();
    RunLimits asked = r.limits();
    RunLimits recorded = run.limits();
    if (recorded == null) {
      // Started by a pitr that recorded no limits: the options given are all there is.
      return r.with(source, target, segments, asked);
    }
    RunLimits used =
        new RunLimits(
            given.contains(Limit.MAX_WCU) ? asked.maxWcu : recorded.maxWcu,
            given.contains(Limit.MAX_RCU) ? asked.maxRcu : recorded.maxRcu,
            given.contains(Limit.CONCURRENCY) ? asked.concurrency : recorded.concurrency,
            given.contains(Limit.FILTER) ? asked.filter : recorded.filter,
            given.contains(Limit.FILTER) ? asked.filterNames : recorded.filterNames,
            given.contains(Limit.FILTER) ? asked.filterValues : recorded.filterValues,
            given.contains(Limit.KEYS) ? asked.keys : recorded.keys,
            recorded.deleteExtra || asked.deleteExtra);
    recorded.checkWithin(run, used);
    return r.with(source, target, segments, used);
  }

  /**
   * Refuses {@code asked} when it exceeds these limits of {@code run}: a higher or removed cap,
   * more batches in flight, another keys file, or the run's keys file changed since it started.
   * (Filter and segments are checked with the run's tables.)
   */
  void checkWithin(CopyRunRecord run, RunLimits asked) {
    capWithin(run, Limit.MAX_WCU, maxWcu, asked.maxWcu);
    capWithin(run, Limit.MAX_RCU, maxRcu, asked.maxRcu);
    if (asked.concurrency > concurrency) {
      throw exceeds(
          run,
          Limit.CONCURRENCY,
          Integer.toString(concurrency),
          "--concurrency " + asked.concurrency + " is higher",
          "pass at most " + concurrency,
          "--concurrency " + asked.concurrency);
    }
    if (keys != null && keys.changedFrom(asked.keys)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + run.runId()
              + " copies the keys in --keys "
              + keys.address()
              + ", whose SHA-256 was "
              + keys.sha256()
              + " when the run started; it is now "
              + asked.keys.sha256()
              + ", so the file was changed or replaced since. Put back the file the run started"
              + " with, or start a new run for the keys it lists now (items already copied are"
              + " written again). Nothing was written.");
    }
    if (keys == null ? asked.keys != null : !keys.sameAddress(asked.keys)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + run.runId()
              + (keys == null
                  ? " copies every item, not --keys " + asked.keys.address()
                  : " copies the keys in --keys " + keys.address())
              + "; resume it without --keys (it keeps its own), or start a new run for other"
              + " keys");
    }
  }

  private static void capWithin(CopyRunRecord run, Limit limit, double cap, double asked) {
    if (cap <= 0 || (asked > 0 && asked <= cap)) {
      return;
    }
    String given = limit.option() + " " + number(asked);
    throw exceeds(
        run,
        limit,
        number(cap),
        asked <= 0 ? given + " would remove it" : given + " is higher",
        "pass at most " + number(cap),
        asked <= 0 ? "" : given);
  }

  private static PitrException exceeds(
      CopyRunRecord run, Limit limit, String recorded, String why, String lower, String newRun) {
    return new PitrException(
        ErrorCode.USAGE,
        "Run "
            + run.runId()
            + " was started with "
            + limit.option()
            + " "
            + recorded
            + ", and a resume keeps the limits of its run: "
            + why
            + ". Leave "
            + limit.option()
            + " out or "
            + lower
            + "; to copy with "
            + (newRun.isEmpty() ? "no " + limit.option() : newRun)
            + ", start a new run instead: pitr copy-back --from "
            + run.source()
            + " --to "
            + run.target()
            + (newRun.isEmpty() ? "" : " " + newRun)
            + " (items already copied are written again). Nothing was written.");
  }

  /** The limits as an operator would type them, e.g. {@code --segments 4, --max-wcu 2000}. */
  public String describe(int segments) {
    return String.join(", ", parts(segments, null));
  }

  /**
   * The line a resume prints: the limits it uses, each lowered one with the run's value.
   *
   * @param run the run resumed
   * @param used the request resolved by {@link #resume}
   */
  public static String resumeLine(CopyRunRecord run, CopyRequest used) {
    RunLimits limits = used.limits();
    return "Resuming run "
        + run.runId()
        + (run.limits() == null
            ? " (started by an older pitr that recorded no limits) with the options given: "
            : " with its limits: ")
        + String.join(", ", limits.parts(used.throughput().segments(), run.limits()));
  }

  private List<String> parts(int segments, RunLimits run) {
    List<String> out = new ArrayList<>();
    if (segments > 0) {
      out.add("--segments " + segments);
    }
    out.add(
        "--concurrency " + concurrency + lowered(run == null ? 0 : run.concurrency, concurrency));
    out.add("--max-wcu " + cap(maxWcu) + lowered(run == null ? 0 : run.maxWcu, maxWcu));
    out.add("--max-rcu " + cap(maxRcu) + lowered(run == null ? 0 : run.maxRcu, maxRcu));
    if (filter != null) {
      out.add("--filter " + identity());
    }
    if (keys != null) {
      out.add("--keys " + keys.address());
    }
    if (deleteExtra) {
      out.add(
          "--delete-extra" + (run != null && !run.deleteExtra ? " (added by this resume)" : ""));
    }
    return out;
  }

  private static String lowered(double run, double used) {
    return run > 0 && used < run ? " (lowered from the run's " + number(run) + ")" : "";
  }

  private static String cap(double v) {
    return v > 0 ? number(v) : "none";
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /**
   * The filter as a run records it for comparison: the expression, then the placeholders'
   * definitions (sorted) when it has any, so that a resume with other values is refused too.
   */
  String identity() {
    if (filter == null) {
      return null;
    }
    StringBuilder b = new StringBuilder("'").append(filter).append("'");
    if (!filterNames.isEmpty()) {
      b.append(" with --filter-names ").append(new TreeMap<>(filterNames));
    }
    if (!filterValues.isEmpty()) {
      b.append(" with --filter-values ").append(ItemJson.write(new TreeMap<>(filterValues)));
    }
    return b.toString();
  }

  /**
   * The limits as a command's JSON output shows them: the caps, the batches in flight, the filter
   * as {@link #identity()} and the keys file.
   */
  @JsonValue
  Map<String, Object> shown() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("maxWcu", maxWcu);
    out.put("maxRcu", maxRcu);
    out.put("concurrency", concurrency);
    out.put("filter", identity());
    out.put("keysFile", keys == null ? null : keys.address());
    out.put("deleteExtra", deleteExtra);
    return out;
  }

  /** The limits as JSON, for checkpoints. */
  String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("maxWcu", maxWcu);
    n.put("maxRcu", maxRcu);
    n.put("concurrency", concurrency);
    if (filter != null) {
      n.put("filter", filter);
      ObjectNode names = n.putObject("filterNames");
      new TreeMap<>(filterNames).forEach(names::put);
      n.set("filterValues", ItemJson.toNode(new TreeMap<>(filterValues)));
    }
    if (keys != null) {
      n.put("keys", keys.address());
      if (keys.sha256() != null) {
        n.put("keysSha256", keys.sha256());
      }
    }
    if (deleteExtra) {
      n.put("deleteExtra", true);
    }
    return n.toString();
  }

  /**
   * Reads limits written by {@link #toJson}.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  static RunLimits fromJson(String text) {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("its limits are not JSON");
    }
    if (!n.path("maxWcu").isNumber()
        || !n.path("maxRcu").isNumber()
        || !n.path("concurrency").isInt()) {
      throw new IllegalArgumentException("its limits lack maxWcu, maxRcu or concurrency");
    }
    Map<String, String> names = new LinkedHashMap<>();
    n.path("filterNames")
        .fields()
        .forEachRemaining(e -> names.put(e.getKey(), e.getValue().asText()));
    return new RunLimits(
        n.get("maxWcu").asDouble(),
        n.get("maxRcu").asDouble(),
        n.get("concurrency").asInt(),
        n.hasNonNull("filter") ? n.get("filter").asText() : null,
        names,
        n.path("filterValues").isObject() ? ItemJson.fromNode(n.get("filterValues")) : Map.of(),
        n.hasNonNull("keys")
            ? new KeysOrigin(
                n.get("keys").asText(),
                n.hasNonNull("keysSha256") ? n.get("keysSha256").asText() : null)
            : null,
        n.path("deleteExtra").asBoolean(false));
  }
}
