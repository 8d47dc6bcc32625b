package pitr.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

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
    String answer = ask(err, question + " [y/N]");
    return answer != null
        && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
  }
}
