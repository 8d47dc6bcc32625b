/**
 * Rollback drills: runbooks (YAML) and their model and loader, the drill runner that executes a
 * runbook's steps against a target and times them, and the drill report (Markdown and HTML).
 *
 * <p>{@link pitr.runbook.DrillRunner} runs the steps; they live by kind in {@code DrillTables},
 * {@code TrafficSteps}, {@code RecoverySteps} and {@code AssertionSteps}, and call DynamoDB through
 * the gateway ({@code pitr.dynamo}). The target is a {@link pitr.runbook.DrillTarget} the command
 * line implements over the embedded engine or AWS, so this package never sees the engine.
 */
package pitr.runbook;
