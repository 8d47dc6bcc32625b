package pitr.local.contract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test once per backend, with the backend's name as the invocation's display
 * name. The method may declare {@link Backend} and {@link Tables} parameters.
 *
 * <p>A backend that is not present here (no moto_server on PATH, no Docker engine) shows up as a
 * skipped invocation with the reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(BackendInvocations.class)
@interface BackendTest {}
