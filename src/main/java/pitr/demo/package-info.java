/**
 * A self-contained walk-through of a point-in-time recovery on the embedded engine ({@code pitr
 * local demo}).
 *
 * <p>Toolkit code that runs the engine in-process, outside {@code pitr.local}; it does not depend
 * on {@code pitr.cli}, which calls it with the writer to print to.
 */
package pitr.demo;
