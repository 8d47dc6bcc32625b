package pitr.runbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import pitr.ErrorCode;
import pitr.NearestNames;
import pitr.PitrException;
import pitr.files.AtomicFiles;

/**
 * Loads runbooks from YAML files and checks them. A runbook that does not load (bad YAML, an
 * unknown step type or field, a missing field, a reference to a mark or snapshot no earlier step
 * defines) is reported with its file, line and column as {@link ErrorCode#USAGE}.
 */
public final class RunbookLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private static final List<String> TYPES =
      List.of(
          "create-table",
          "seed",
          "enable-pitr",
          "mark",
          "snapshot",
          "advance",
          "migrate",
          "traffic",
          "faults",
          "rollback",
          "migrate-rollback",
          "assert-count",
          "assert-item",
          "assert-unchanged",
          "assert-conflicts",
          "drop");

  private static final String EXAMPLE = "runbooks/rollback-bad-migration.yaml";

  private RunbookLoader() {}

  /** The top level of a runbook file. */
  record RunbookFile(
      @Step.Req String name,
      @Step.Req String description,
      String target,
      @Step.Req List<Step> steps) {}

  /**
   * Loads and checks {@code file}; a bare name like {@code full-table-restore} is looked up as
   * {@code runbooks/full-table-restore.yaml}.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the file, line and column and the fix
   */
  public static Runbook load(Path file) {
    Path path = resolve(file);
    if (Files.isDirectory(path)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Runbook " + file + " is a folder; name a runbook file such as " + EXAMPLE);
    }
    RunbookFile parsed;
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      parsed = YAML.readValue(in, RunbookFile.class);
    } catch (NoSuchFileException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Runbook "
              + file
              + " does not exist; name a runbook file such as "
              + EXAMPLE
              + shipped());
    } catch (JsonProcessingException e) {
      throw new PitrException(ErrorCode.USAGE, describe(path, e), e);
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Cannot read runbook "
              + path
              + ": "
              + AtomicFiles.describe(e)
              + "; name a readable runbook file such as "
              + EXAMPLE,
          e);
    }
    if (parsed == null) {
      throw new PitrException(
          ErrorCode.USAGE, "Runbook " + path + " is empty; give it a name, description and steps");
    }
    String target = parsed.target() == null ? "local" : parsed.target();
    if (!target.equals("local") && !target.equals("aws")) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Runbook " + path + ": target '" + target + "' is not known; write local or aws");
    }
    Runbook runbook =
        new Runbook(parsed.name(), parsed.description(), target, List.copyOf(parsed.steps()), path);
    check(runbook);
    return runbook;
  }

  /**
   * {@code , or a name from runbooks/ (a, b)} when a runbooks folder is here, to name what exists.
   */
  private static String shipped() {
    Path dir = Path.of("runbooks");
    if (!Files.isDirectory(dir)) {
      return "";
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names =
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .map(n -> n.substring(0, n.length() - ".yaml".length()))
              .sorted()
              .toList();
      return names.isEmpty() ? "" : ", or a name from runbooks/ (" + String.join(", ", names) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  static Path resolve(Path file) {
    if (Files.exists(file) || file.toString().contains("/") || file.toString().endsWith(".yaml")) {
      return file;
    }
    Path named = Path.of("runbooks", file + ".yaml");
    return Files.exists(named) ? named : file;
  }

  private static String describe(Path path, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String what;
    if (e instanceof InvalidTypeIdException t) {
      what =
          (t.getTypeId() == null
                  ? "a step has no type"
                  : "unknown step type '"
                      + t.getTypeId()
                      + "'"
                      + NearestNames.aside(t.getTypeId(), TYPES))
              + "; use one of "
              + String.join(", ", TYPES);
    } else if (e instanceof UnrecognizedPropertyException u) {
      List<String> known =
          u.getKnownPropertyIds() == null
              ? List.of()
              : u.getKnownPropertyIds().stream().map(String::valueOf).toList();
      what =
          "unknown field '"
              + u.getPropertyName()
              + "'"
              + NearestNames.aside(u.getPropertyName(), known)
              + (u.getKnownPropertyIds() == null
                  ? ""
                  : "; this step takes " + u.getKnownPropertyIds());
    } else {
      what = e.getOriginalMessage().replace("\n", " ");
      if (what.startsWith("Missing required creator property")) {
        String field = what.replaceAll(".*property '([^']*)'.*", "$1");
        int step = stepOf(e);
        // The parser notices a missing field where the step ends, which is where the next begins.
        where =
            step < 0
                ? where
                : ", step "
                    + (step + 1)
                    + (at == null ? "" : " (ending at line " + at.getLineNr() + ")");
        what = "missing field '" + field + "'; add it";
      } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
        what = shape(m);
      } else {
        what += "; fix the YAML there (" + EXAMPLE + " shows a runbook that loads)";
      }
    }
    return "Runbook " + path + where + ": " + what;
  }

  /** The index of the step {@code e} is about (0 for the first), or -1 when none. */
  private static int stepOf(JsonProcessingException e) {
    if (e instanceof JsonMappingException m) {
      boolean inSteps = false;
      for (JsonMappingException.Reference r : m.getPath()) {
        if (inSteps && r.getIndex() >= 0) {
          return r.getIndex();
        }
        inSteps = "steps".equals(r.getFieldName());
      }
    }
    return -1;
  }

  /** A value of the wrong kind, said in YAML terms rather than Java types. */
  private static String shape(MismatchedInputException m) {
    String field = null;
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        field = r.getFieldName();
      }
    }
    Class<?> type = m.getTargetType();
    String kind;
    if (type == String.class) {
      kind = "text";
    } else if (java.util.Collection.class.isAssignableFrom(type)) {
      kind = "a list (lines starting with '- ')";
    } else if (Number.class.isAssignableFrom(type)
        || (type.isPrimitive() && type != boolean.class)) {
      kind = "a number";
    } else if (type == Boolean.class || type == boolean.class) {
      kind = "true or false";
    } else {
      kind = "a mapping (key: value lines)";
    }
    return (field == null ? "a runbook" : "field '" + field + "'")
        + " must be "
        + kind
        + "; "
        + EXAMPLE
        + " shows a runbook that loads";
  }

  private static void check(Runbook runbook) {
    Map<String, Integer> marks = new HashMap<>();
    Set<String> snapshots = new HashSet<>();
    Set<String> traffic = new HashSet<>();
    List<String> problems = new ArrayList<>();
    int n = 0;
    for (Step step : runbook.steps()) {
      n++;
      String at = "step " + n + " (" + step.type() + ")";
      if (step instanceof Step.Mark m) {
        marks.put(m.name(), n);
      } else if (step instanceof Step.Snapshot s) {
        snapshots.add(s.name());
      } else if (step instanceof Step.Traffic t) {
        if (t.id() != null) {
          traffic.add(t.id());
        }
        String action = t.action() == null ? "update" : t.action();
        if (!List.of("update", "delete", "insert").contains(action)) {
          problems.add(at + ": action '" + action + "' is not update, delete or insert");
        } else if (action.equals("insert") ? t.count() == null : t.every() == null) {
          problems.add(
              at + ": " + action + " needs " + (action.equals("insert") ? "count" : "every"));
        }
      } else if (step instanceof Step.Seed s) {
        if ((s.items() == null) == (s.fixture() == null)) {
          problems.add(at + ": give either items (generated) or fixture (a file), not both");
        } else if (s.items() != null && s.table() == null) {
          problems.add(at + ": generated items need a table");
        }
      } else if (step instanceof Step.Advance a) {
        try {
          StepDurations.parse(a.by());
        } catch (IllegalArgumentException e) {
          problems.add(at + ": " + e.getMessage());
        }
      } else if (step instanceof Step.Restore r) {
        ref(r.to(), marks, at + ": to", problems);
      } else if (step instanceof Step.Rollback r) {
        ref(r.to(), marks, at + ": to", problems);
        if (r.incidentEnd() != null) {
          ref(r.incidentEnd(), marks, at + ": incident-end", problems);
          order(r, marks, at, problems);
        }
        source(r, at, problems);
      } else if (step instanceof Step.AssertUnchanged u) {
        if (!snapshots.contains(u.snapshot())) {
          problems.add(at + ": no earlier snapshot step is named '" + u.snapshot() + "'");
        }
        if (u.except() != null) {
          u.except().stream()
              .filter(id -> !traffic.contains(id))
              .forEach(id -> problems.add(at + ": no earlier traffic step has id '" + id + "'"));
        }
      } else if (step instanceof Step.AssertCount c) {
        if ((c.equals() == null) == (c.snapshot() == null)) {
          problems.add(at + ": give either equals (a number) or snapshot (a name), not both");
        } else if (c.snapshot() != null && !snapshots.contains(c.snapshot())) {
          problems.add(at + ": no earlier snapshot step is named '" + c.snapshot() + "'");
        }
      } else if (step instanceof Step.AssertConflicts c
          && c.traffic() != null
          && !traffic.contains(c.traffic())) {
        problems.add(at + ": no earlier traffic step has id '" + c.traffic() + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Runbook " + runbook.file() + " is not valid:\n  " + String.join("\n  ", problems));
    }
  }

  /**
   * A rollback's source: restore or export; an export needs the incident's end and a bucket, and
   * only an export takes a bucket or prefix. Its on-conflict is skip or overwrite.
   */
  private static void source(Step.Rollback r, String at, List<String> problems) {
    if (r.onConflict() != null && !List.of("skip", "overwrite").contains(r.onConflict())) {
      problems.add(at + ": on-conflict '" + r.onConflict() + "' is not skip or overwrite");
    }
    if (r.source() != null && !List.of("restore", "export").contains(r.source())) {
      problems.add(at + ": source '" + r.source() + "' is not restore or export");
      return;
    }
    if (!r.fromExport()) {
      if (r.bucket() != null || r.prefix() != null) {
        problems.add(
            at
                + ": bucket and prefix are for source: export; add it, or drop them to roll back"
                + " through restores");
      }
      return;
    }
    if (r.incidentEnd() == null) {
      problems.add(
          at
              + ": source: export needs incident-end, as the export of [to, incident-end) says"
              + " what the incident changed; add it, or use source: restore");
    }
    if (r.bucket() == null || r.bucket().isBlank()) {
      problems.add(
          at
              + ": source: export needs bucket, the S3 bucket to export to (on the embedded"
              + " engine any name, e.g. drill-exports)");
    }
    if (Boolean.TRUE.equals(r.deleteExtra())) {
      problems.add(
          at
              + ": delete-extra is for rollbacks without incident-end, and source: export needs"
              + " one; drop delete-extra");
    }
  }

  /** The incident must end after {@code to}: a later mark, or a later instant. */
  private static void order(
      Step.Rollback r, Map<String, Integer> marks, String at, List<String> problems) {
    Integer to = marks.get(r.to());
    Integer end = marks.get(r.incidentEnd());
    boolean swapped;
    if (to != null && end != null) {
      swapped = end <= to;
    } else if (to == null && end == null) {
      try {
        swapped =
            !java.time.Instant.parse(r.incidentEnd()).isAfter(java.time.Instant.parse(r.to()));
      } catch (java.time.format.DateTimeParseException e) {
        return;
      }
    } else {
      return;
    }
    if (swapped) {
      problems.add(
          at
              + ": incident-end '"
              + r.incidentEnd()
              + "' is not after to '"
              + r.to()
              + "'; the incident ends after the instant to go back to, so swap them");
    }
  }

  private static void ref(
      String value, Map<String, Integer> marks, String at, List<String> problems) {
    if (marks.containsKey(value)) {
      return;
    }
    try {
      java.time.Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(at + " '" + value + "' is neither an earlier mark nor an ISO-8601 instant");
    }
  }
}
