/**
 * Rollback planning and applying: restore the instant before a bad change into recovery tables,
 * plan item by item what to put back (three ways when the incident's end is known, or by the
 * migration's journal), save and print the plan, apply it with conditional writes so nothing
 * written since planning is clobbered, verify, and drop the recovery tables.
 */
package pitr.rollback;
