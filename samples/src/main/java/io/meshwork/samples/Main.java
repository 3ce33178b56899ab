package io.meshwork.samples;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The samples jar's entry point, {@code meshwork}: {@code demo} (the default, so {@code java -jar
 * meshwork-samples.jar} runs the demo) and {@code node}, one real node in this process.
 *
 * <pre>{@code
 * java -jar samples/target/meshwork-samples.jar                       # the demo
 * java -jar samples/target/meshwork-samples.jar node --id a --bind 127.0.0.1:7000
 * java -jar samples/target/meshwork-samples.jar node --help
 * }</pre>
 */
@Command(
    name = "meshwork",
    description = "Meshwork samples. Without a subcommand, runs the demo.",
    subcommands = {Main.DemoCommand.class, NodeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

  @SuppressWarnings("unused") // read by picocli
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  /** Used by picocli; run {@link #main} instead. */
  public Main() {}

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments; none runs the demo
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /**
   * Runs the demo when no subcommand is given.
   *
   * @return 0
   */
  @Override
  public Integer call() {
    return demo();
  }

  private static int demo() {
    Demo.main(new String[0]);
    return 0;
  }

  /** {@code meshwork demo}: three nodes on loopback, each interaction model once. */
  @Command(
      name = "demo",
      description = "Three nodes on loopback, each interaction model once, typed errors; exits 0.")
  static final class DemoCommand implements Callable<Integer> {
    @SuppressWarnings("unused") // read by picocli
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() {
      return demo();
    }
  }
}
