/**
 * Files pitr writes and later trusts (plans, checkpoints, failure files, key files): written whole
 * or not at all, readable by their owner only, durable before they are trusted, and sealed so that
 * a file cut short or edited by hand is refused instead of acted on.
 */
package pitr.files;
