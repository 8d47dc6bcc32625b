package pitr.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a command whose result is a report for people (the benchmarks' Markdown tables, a job's log
 * lines). With {@code --output json} it still honours the format: what it prints is collected and
 * printed as one document, {@code {"report": [lines...]}}, when it ends ({@link CheckedExecution}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface TextReport {}
