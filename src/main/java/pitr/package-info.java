/**
 * The pitr toolkit: DynamoDB data migrations that are safe to run and fast to undo.
 *
 * <p>This root package holds only what every feature package shares: {@link pitr.PitrException} and
 * the {@link pitr.ErrorCode} that decides a command's exit code. Features live in sub-packages
 * ({@code pitr.cli}, {@code pitr.dynamo}, {@code pitr.restore}, {@code pitr.copy}, {@code
 * pitr.migrate}, {@code pitr.rollback}, {@code pitr.runbook}, {@code pitr.metrics}, {@code
 * pitr.files}, {@code pitr.bench}, {@code pitr.demo}), beside the embedded engine ({@code
 * pitr.local}), which none of them but the CLI, the benchmarks and the demo may use.
 */
package pitr;
