package pitr.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import pitr.ErrorCode;

/**
 * A failure as {@code --output json} prints it: one document on stdout, {@code {"error": {"code":
 * "REFUSED", "exitCode": 3, "message": ..., "hint": ...}}}, instead of the {@code error:} line on
 * stderr. The exit code is the same in both formats; a stack trace ({@code --stacktrace}) still
 * goes to stderr. A command that printed no result yet but has one to show with its failure (a
 * copy-back with failed items, a failed drill) adds it as {@code "result"}.
 */
final class ErrorJson {
  private ErrorJson() {}

  /**
   * Whether the command line asked for JSON, judged from the parsed root or, failing that, args.
   */
  static boolean requested(PitrCommand root, String[] args) {
    if (root != null && root.output().format() == OutputOptions.Format.JSON) {
      return true;
    }
    if (args == null) {
      return false;
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i].toLowerCase(Locale.ROOT);
      if (a.equals("--output=json")
          || (a.equals("--output")
              && i + 1 < args.length
              && args[i + 1].equalsIgnoreCase("json"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Prints the error document. The hint is the fix the message gives after its first "; ", the
   * house style of messages ("Table orders has PITR off; enable it with ..."), or {@code hint}.
   */
  static void print(PrintWriter out, ErrorCode code, String message, String hint, Object result) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.name());
    error.put("exitCode", code.exitCode());
    error.put("message", message);
    error.put("hint", hint != null ? hint : hintOf(message));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("error", error);
    if (result != null) {
      doc.put("result", result);
    }
    Json.print(out, doc);
  }

  /** The fix part of a "problem; fix" message, or null when it has none. */
  static String hintOf(String message) {
    if (message == null) {
      return null;
    }
    int semicolon = message.indexOf("; ");
    return semicolon < 0 ? null : message.substring(semicolon + 2);
  }
}
