/**
 * Rollback drills: runbooks (YAML) and their model and loader, the drill runner that executes a
 * runbook's steps against a target and times them, and the drill report (Markdown and HTML).
 */
package pitr.runbook;
