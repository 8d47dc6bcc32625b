package pitr.cli;

/** Entry point of the pitr command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("pitr");
  }
}
