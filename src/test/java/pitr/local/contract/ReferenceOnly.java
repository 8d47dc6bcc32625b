package pitr.local.contract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits a {@link BackendTest} to the reference backend (the embedded engine), for documented
 * DynamoDB behaviour the other emulators get wrong. The other backends' invocations are reported as
 * skipped with {@link #value()} as the reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@interface ReferenceOnly {

  /** What the other emulators do differently, e.g. "moto does not cut pages at 1 MB". */
  String value();
}
