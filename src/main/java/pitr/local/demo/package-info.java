/** A self-contained walk-through of a point-in-time recovery on the embedded engine. */
package pitr.local.demo;
