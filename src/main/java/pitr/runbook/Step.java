package pitr.runbook;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * One step of a runbook. Every step has a {@code description} that reads as a human procedure
 * ("Seed 100,000 orders"); the {@code type} field in the file selects the kind of step.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Step.CreateTable.class, name = "create-table"),
  @JsonSubTypes.Type(value = Step.Seed.class, name = "seed"),
  @JsonSubTypes.Type(value = Step.EnablePitr.class, name = "enable-pitr"),
  @JsonSubTypes.Type(value = Step.Mark.class, name = "mark"),
  @JsonSubTypes.Type(value = Step.Snapshot.class, name = "snapshot"),
  @JsonSubTypes.Type(value = Step.Advance.class, name = "advance"),
  @JsonSubTypes.Type(value = Step.Migrate.class, name = "migrate"),
  @JsonSubTypes.Type(value = Step.Traffic.class, name = "traffic"),
  @JsonSubTypes.Type(value = Step.Faults.class, name = "faults"),
  @JsonSubTypes.Type(value = Step.Restore.class, name = "restore"),
  @JsonSubTypes.Type(value = Step.Rollback.class, name = "rollback"),
  @JsonSubTypes.Type(value = Step.MigrateRollback.class, name = "migrate-rollback"),
  @JsonSubTypes.Type(value = Step.AssertCount.class, name = "assert-count"),
  @JsonSubTypes.Type(value = Step.AssertItem.class, name = "assert-item"),
  @JsonSubTypes.Type(value = Step.AssertUnchanged.class, name = "assert-unchanged"),
  @JsonSubTypes.Type(value = Step.AssertConflicts.class, name = "assert-conflicts"),
  @JsonSubTypes.Type(value = Step.AssertTtl.class, name = "assert-ttl"),
  @JsonSubTypes.Type(value = Step.Drop.class, name = "drop")
})
public sealed interface Step {
  /** What the step does, as an operator would read it in a checklist. */
  String description();

  /** The step's type as written in the file, e.g. {@code seed}. */
  default String type() {
    return getClass().getAnnotation(Name.class).value();
  }

  /** The {@code type} a step class is written as. */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @interface Name {
    String value();
  }

  /**
   * Create a table.
   *
   * @param key key attributes in order (partition, then optional sort) to their type S, N or B
   * @param billing {@code on-demand} (default) or {@code provisioned}
   * @param wcu provisioned write capacity
   * @param rcu provisioned read capacity
   * @param ttl an attribute to turn time to live on for (items expire at its epoch seconds)
   */
  @Name("create-table")
  record CreateTable(
      @Req String description,
      @Req String table,
      @Req Map<String, String> key,
      String billing,
      Long wcu,
      Long rcu,
      String ttl)
      implements Step {}

  /**
   * Put generated items (keys {@code pk = item#000001...}) or a fixture file into a table.
   *
   * @param items how many generated items (scaled by {@code --scale})
   * @param fixture a JSON-lines fixture, relative to the runbook (see migrations/fixtures)
   */
  @Name("seed")
  record Seed(@Req String description, String table, Long items, String fixture) implements Step {}

  /** Turn on point-in-time recovery. */
  @Name("enable-pitr")
  record EnablePitr(@Req String description, @Req String table) implements Step {}

  /** Note the current time under {@code name}, for a later rollback's {@code to}. */
  @Name("mark")
  record Mark(@Req String description, @Req String name) implements Step {}

  /** Remember every item of a table under {@code name}, for a later {@code assert-unchanged}. */
  @Name("snapshot")
  record Snapshot(@Req String description, @Req String table, @Req String name) implements Step {}

  /**
   * Let time pass: on the embedded engine the clock jumps; on AWS the drill waits.
   *
   * @param by e.g. {@code 10s}, {@code 5m}, {@code PT1H}
   */
  @Name("advance")
  record Advance(@Req String description, @Req String by) implements Step {}

  /**
   * Run a migration through the migration runner (dev mode, against the drill's target).
   *
   * @param name the migration, e.g. {@code 0001_zero_prices}
   * @param migrationsDir folder of migrations, relative to the runbook (default {@code migrations})
   */
  @Name("migrate")
  record Migrate(@Req String description, @Req String name, String migrationsDir) implements Step {}

  /**
   * Simulate other writers: update, delete or insert items.
   *
   * @param id names the keys written, for {@code assert-unchanged} and {@code assert-conflicts}
   * @param action {@code update} (default), {@code delete} or {@code insert}
   * @param every update or delete every n-th item in key order
   * @param offset the first of them (default 0)
   * @param count how many new items to insert (scaled by {@code --scale})
   * @param set string attributes to set (update, insert)
   */
  @Name("traffic")
  record Traffic(
      @Req String description,
      String id,
      @Req String table,
      String action,
      Integer every,
      Integer offset,
      Long count,
      Map<String, String> set)
      implements Step {}

  /**
   * Inject faults into the target (embedded engine only), e.g. {@code throttle=0.2,seed=7}; an
   * empty spec turns them off.
   */
  @Name("faults")
  record Faults(@Req String description, String spec) implements Step {}

  /**
   * Restore a table as it was at a mark or instant into a new table, as {@code pitr restore} does;
   * the step's detail lists what the new table does not inherit (TTL, streams, tags, PITR, ...).
   *
   * @param to a mark's name or an ISO-8601 instant
   * @param as the new table's name
   */
  @Name("restore")
  record Restore(@Req String description, @Req String table, @Req String to, @Req String as)
      implements Step {}

  /**
   * Roll a table back, as {@code pitr rollback} does. Each rollback step is a recovery path of the
   * drill's report (its time, items, read units on the live table and lost writes), so a runbook
   * that recovers the same incident on two copies of a table, once through restores and once
   * through an export, shows both side by side.
   *
   * @param to a mark's name or an ISO-8601 instant: the state to go back to (T0)
   * @param incidentEnd a mark or instant when the bad change ended (T1); optional
   * @param onConflict {@code skip} (default) or {@code overwrite}
   * @param deleteExtra delete items created after T0 (without T1)
   * @param source {@code restore} (default: restore T0 and T1 into recovery tables) or {@code
   *     export} (plan from an incremental export of [T0, T1): needs {@code incident-end} and {@code
   *     bucket})
   * @param bucket with {@code source: export}, the S3 bucket to export to (on the embedded engine,
   *     any name: a folder of the drill's own)
   * @param prefix with {@code source: export}, the key prefix in the bucket; optional
   */
  @Name("rollback")
  record Rollback(
      @Req String description,
      @Req String table,
      @Req String to,
      String incidentEnd,
      String onConflict,
      Boolean deleteExtra,
      String source,
      String bucket,
      String prefix)
      implements Step {

    /** A rollback through restores, as runbooks wrote it before {@code source}. */
    public Rollback(
        String description,
        String table,
        String to,
        String incidentEnd,
        String onConflict,
        Boolean deleteExtra) {
      this(description, table, to, incidentEnd, onConflict, deleteExtra, null, null, null);
    }

    /** Whether the plan comes from an export rather than restored tables. */
    public boolean fromExport() {
      return "export".equals(source);
    }
  }

  /** Roll a migration back, as {@code pitr migrate rollback NAME} does. */
  @Name("migrate-rollback")
  record MigrateRollback(@Req String description, @Req String name, String onConflict)
      implements Step {}

  /**
   * Assert the table holds exactly {@code equals} items (scaled by {@code --scale}), or as many as
   * the snapshot named {@code snapshot}.
   */
  @Name("assert-count")
  record AssertCount(@Req String description, @Req String table, Long equals, String snapshot)
      implements Step {}

  /**
   * Assert one item's attributes (compared as text), or that it is absent.
   *
   * @param key key attributes to their value as text
   * @param attributes expected attributes to their value as text
   * @param absent true to assert the item does not exist
   */
  @Name("assert-item")
  record AssertItem(
      @Req String description,
      @Req String table,
      @Req Map<String, String> key,
      Map<String, String> attributes,
      Boolean absent)
      implements Step {}

  /**
   * Assert the table equals a snapshot, except keys written by the named traffic steps, which must
   * still hold what that traffic wrote. Items that differ are counted as data lost.
   */
  @Name("assert-unchanged")
  record AssertUnchanged(
      @Req String description, @Req String table, @Req String snapshot, List<String> except)
      implements Step {}

  /**
   * Assert the conflicts the last rollback reported: exactly {@code equals} of them, and/or exactly
   * the keys of {@code traffic} the rollback considered.
   */
  @Name("assert-conflicts")
  record AssertConflicts(@Req String description, Long equals, String traffic) implements Step {}

  /**
   * Assert a table's time to live: on for {@code attribute}, or off when no attribute is given (a
   * restored table never inherits it).
   */
  @Name("assert-ttl")
  record AssertTtl(@Req String description, @Req String table, String attribute) implements Step {}

  /** Delete a table. */
  @Name("drop")
  record Drop(@Req String description, @Req String table) implements Step {}

  /** A field the file must give. */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target({
    java.lang.annotation.ElementType.RECORD_COMPONENT,
    java.lang.annotation.ElementType.PARAMETER
  })
  @com.fasterxml.jackson.annotation.JacksonAnnotationsInside
  @com.fasterxml.jackson.annotation.JsonProperty(required = true)
  @interface Req {}
}
