package pitr.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which of the global target options ({@code --local}, {@code --endpoint-url}, {@code --region},
 * {@code --profile}) a command uses, when not all of them. Those it does not use are refused when
 * given, anywhere on the command line, with exit code 2 and a message saying why: an option that is
 * accepted and then ignored makes an operator believe the command ran where it did not. A command
 * without the annotation uses them all. {@code ConventionsTest} checks that every command either
 * uses DynamoDB through the options or carries the annotation.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface TargetUse {
  /** What the command uses instead, for the refusal: "runs the embedded engine in-process". */
  String why();

  /** The target options the command does use; none by default. */
  String[] uses() default {};
}
