/**
 * The {@code pitr} command line: picocli commands that parse, call one domain object and print.
 *
 * <p>Shared options are mixins on the root {@link pitr.cli.PitrCommand} ({@code TargetOptions},
 * {@code OutputOptions}); failures become exit codes through {@link pitr.ErrorCode}. Every numeric
 * and duration option is read by a range-checking converter from {@code Ranges}, so a value out of
 * range is refused at parse time. This is the only package that blocks on reactive pipelines.
 */
package pitr.cli;
