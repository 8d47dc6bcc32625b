/**
 * The pitr toolkit: DynamoDB data migrations that are safe to run and fast to undo.
 *
 * <p>This root package holds only what every feature package shares: {@link pitr.PitrException} and
 * the {@link pitr.ErrorCode} that decides a command's exit code. Features live in sub-packages
 * ({@code pitr.cli}, {@code pitr.dynamo}, {@code pitr.restore}, {@code pitr.copy}, {@code
 * pitr.migrate}, {@code pitr.runbook}, {@code pitr.metrics}, {@code pitr.local}).
 */
package pitr;
