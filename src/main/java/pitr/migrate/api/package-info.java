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
 * <p>Write migrations to be idempotent: a resumed run repeats the scan page it was interrupted in,
 * and an operator may rerun a migration. Computing the new image from the item just read, or a
 * {@link pitr.migrate.api.Condition}, makes a repeat harmless.
 */
package pitr.migrate.api;
