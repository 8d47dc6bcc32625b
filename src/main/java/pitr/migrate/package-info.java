/**
 * Migrations: the runner, ledger, lease lock, write journal, preflight checks and lint behind
 * {@code pitr migrate}.
 *
 * <p>The runner compiles a file from {@code migrations/} at run time ({@link
 * pitr.migrate.MigrationCompiler}), checks it, and runs it through {@link pitr.migrate.api}, the
 * one public surface migrations code against. Every DynamoDB call goes through one package-private
 * adapter. Nothing here depends on {@code pitr.local}: the same code runs against AWS.
 *
 * <p>Tables this package keeps, both created on first run: the ledger ({@link pitr.migrate.Ledger},
 * default {@code pitr-ledger}) and the journal ({@link pitr.migrate.Journal}, default {@code
 * pitr-journal}), whose key schemas are documented on those classes for the rollback feature to
 * read.
 */
package pitr.migrate;
