/**
 * The migration API: the one public, stable surface a migration in {@code migrations/} codes
 * against.
 *
 * <p>A migration is a file {@code migrations/NNNN_snake_case_name.java} holding exactly one class
 * (any name, need not be public) that implements {@link pitr.migrate.api.Migration} and has a
 * no-argument constructor. The runner compiles it at run time against the running toolkit, so
 * writing one needs no rebuild.
 *
 * <p>Every write goes through {@link pitr.migrate.api.MigrationTable}: it is rate-limited to the
 * run's {@code --max-wcu}, retried on throttling, counted, journaled (key and a hash of the image
 * written, so a rollback restores only what the run touched), and in a dry run recorded instead of
 * applied. A migration may import this package, Reactor, {@code java.*}, and the SDK's model types
 * ({@code software.amazon.awssdk.services.dynamodb.model.*}, plus {@code SdkBytes}); {@code pitr
 * migrate lint} rejects anything else unless {@code migrations/lint-exceptions.txt} lists it with a
 * reason.
 *
 * <h2>Interrupted runs: what {@code pitr migrate resume} guarantees</h2>
 *
 * <p>{@link pitr.migrate.api.MigrationTable#forEachItem forEachItem} checkpoints every scan page
 * once its writes are confirmed, so a resumed run starts again at the page it was interrupted in.
 * In that page, an item whose own write landed before the interruption (its live image is the image
 * the journal says the run meant to write) is skipped: it is not handed to the migration again and
 * not written again. An item whose write did not land still holds its old image and is handed over
 * as usual. A migration that is not idempotent ({@code hits = hits + 1}) is thereby applied once to
 * every item across any number of crashes and resumes, provided it keeps to these rules:
 *
 * <ul>
 *   <li><b>Do the work in {@code forEachItem}.</b> {@code scan} and {@code query} are not
 *       resumable: a resumed run reads them from the start and repeats their writes.
 *   <li><b>Write the item you were handed, once, and return that write.</b> Compose the {@code
 *       Mono} of {@code put}, {@code update} or {@code delete} of that item into what the action
 *       returns; a write subscribed elsewhere ({@code subscribe()}, {@code block()}) is not known
 *       as the item's own and is repeated on resume. If the action writes the item twice, a crash
 *       between the two leaves it skipped with only the first one done.
 *   <li><b>Pass the item as read, not its key.</b> {@code update(item, ...)} and {@code put(item)}
 *       journal the image they will produce before sending it; an update given only {@code
 *       keyOf(item)} journals an unknown image, so its item is recognised as written only if its
 *       answer came back before the interruption.
 *   <li><b>Compute the new image from that item alone.</b> Its output must depend only on the item
 *       as read (not on the clock, random numbers, counters or other items), so that an item handed
 *       over again after a crash is migrated as the first try would have done.
 *   <li><b>Make other writes idempotent.</b> Writes to other items or tables are not covered: they
 *       are repeated when the item's own write had not landed, and not done when it had. Write the
 *       item itself last and give the others a fixed image or a {@link pitr.migrate.api.Condition}.
 * </ul>
 *
 * <p>Nobody else should write the migrated items meanwhile. If another writer changes an item after
 * the run wrote it and before the resumed run reads it again, the item no longer holds the image
 * the run wrote, so the resumed run cannot tell it was written and hands it over again: a migration
 * that is not idempotent then applies twice (a rollback reports such items as conflicts). A write
 * under a {@link pitr.migrate.api.Condition} that holds only before the migration (an attribute it
 * adds, a version it raises) makes that repeat fail its condition instead.
 *
 * <p>Idempotent migrations remain the safer choice anyway: an operator may start a new run of a
 * migration (not a resume), which reads and writes everything again. Computing the new image from
 * the item just read, or a {@link pitr.migrate.api.Condition}, makes such a repeat harmless.
 */
package pitr.migrate.api;
