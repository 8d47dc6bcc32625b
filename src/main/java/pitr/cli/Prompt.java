package pitr.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import pitr.ErrorCode;
import pitr.PitrException;

/** Asks the operator to confirm on stdin; without an answer (no terminal, EOF) the answer is no. */
final class Prompt {
  private Prompt() {}

  /** Prints {@code question} to {@code err} and returns the line typed, or null at end of input. */
  static String ask(PrintWriter err, String question) {
    err.print(question + " ");
    err.flush();
    try {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      return null;
    }
  }

  static boolean confirm(PrintWriter err, String question) {
    return yes(ask(err, question + " [y/N]"));
  }

  /** Whether {@code answer} is "y" or "yes", in any case, with any surrounding blanks. */
  static boolean yes(String answer) {
    String a = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
    return a.equals("y") || a.equals("yes");
  }

  /**
   * Asks {@code question} on stdout (stderr with {@code --output json}), reading the answer from
   * {@code input} (stdin when null), and returns normally on "y" or "yes"; {@code nothingDone} says
   * in the refusal what was left as it was.
   *
   * @throws PitrException {@link ErrorCode#REFUSED} on anything else, or without input
   */
  static void confirmOrRefuse(
      CommandSpec spec, BufferedReader input, String question, String nothingDone) {
    PrintWriter out =
        Targets.json(spec) ? spec.commandLine().getErr() : spec.commandLine().getOut();
    out.print(question + " [y/N] ");
    out.flush();
    String answer;
    try {
      BufferedReader in =
          input != null
              ? input
              : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      answer = in.readLine();
    } catch (IOException e) {
      answer = null;
    }
    out.println();
    if (!yes(answer)) {
      throw new PitrException(
          ErrorCode.REFUSED, "Not confirmed; " + nothingDone + ". Pass --yes to skip the question");
    }
  }
}
