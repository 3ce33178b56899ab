package io.meshwork.benchmarks;

import java.util.HashSet;
import java.util.Set;

/**
 * Warms a system's code once per JVM before its first measured row. {@code run.sh} runs each
 * system's rows in one JMH JVM ({@code -f 0}), so the JIT warm-up (6–8 s on 2 vCPUs before any
 * system, raw RSocket included, reaches its plateau) is paid once per system instead of once per
 * row. Lasts {@code -Dmeshwork.bench.prewarmSeconds} (default 0: none); runs in {@code @Setup},
 * which JMH does not time. Each round of work is bounded, and so is the number of rounds.
 */
public final class Prewarm {

  /** The system property giving the warm-up time in seconds. */
  public static final String PROPERTY = "meshwork.bench.prewarmSeconds";

  private static final int MAX_ROUNDS = 100_000;
  private static final Set<String> WARMED = new HashSet<>();

  private Prewarm() {}

  /**
   * Warms one system from outside JMH: {@code run.sh} runs this once per system against a fresh
   * server, so that no round measures a server whose JIT has not yet seen that system.
   *
   * @param args the system (a {@link Systems} name, or {@code broadcast}) and the seconds
   */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: Prewarm SYSTEM SECONDS");
      System.exit(2);
    }
    System.setProperty(PROPERTY, args[1]);
    if (args[0].equals("broadcast")) {
      BroadcastThroughput.prewarm();
    } else {
      client(args[0]);
    }
    System.exit(0);
  }

  /** One bounded unit of warm-up work. */
  @FunctionalInterface
  public interface Work {
    /** Does one unit. */
    void run();
  }

  /**
   * Runs {@code work} repeatedly for the configured time, the first time {@code key} is seen in
   * this JVM.
   *
   * @param key what is being warmed (the system)
   * @param work one unit of work; repeated
   */
  public static synchronized void once(String key, Work work) {
    long seconds = Long.getLong(PROPERTY, 0L);
    if (seconds <= 0 || !WARMED.add(key)) {
      return;
    }
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int rounds = 0;
    while (System.nanoTime() < deadline && rounds < MAX_ROUNDS) {
      work.run();
      rounds++;
    }
    System.out.println("prewarm: " + key + " " + seconds + " s, " + rounds + " rounds");
  }

  /**
   * Whether {@code key} still needs warming in this JVM (warm-up is on and it has not run).
   *
   * @param key what is being warmed
   * @return {@code true} if {@link #once} would do work
   */
  public static synchronized boolean pending(String key) {
    return Long.getLong(PROPERTY, 0L) > 0 && !WARMED.contains(key);
  }

  /**
   * Warms a {@link BenchClient} system: request-response at 256, 16 and 1 in flight, single
   * blocking calls, and, where the system has them, fire-and-forget and a stream, alternating 16 B
   * and 1 KiB payloads.
   *
   * @param system the system's name in {@link Systems}
   */
  public static void client(String system) {
    if (!pending(system)) {
      return;
    }
    BenchClient small = Systems.open(system, 16);
    BenchClient large = Systems.open(system, 1024);
    boolean rsocket = !system.startsWith("grpc");
    try {
      BenchClient[] clients = {small, large};
      int[] turn = {0};
      once(
          system,
          () -> {
            BenchClient c = clients[turn[0]++ & 1];
            Window.run(c::call, 1024, 256);
            Window.run(c::call, 256, 16);
            Window.run(c::call, 32, 1);
            for (int i = 0; i < 32; i++) {
              c.call().block(Wire.TIMEOUT);
            }
            if (rsocket) {
              Window.run(c::send, 1024, 1024);
              c.received().block(Wire.TIMEOUT);
              Window.run(() -> c.stream(2_000), 1, 1);
            }
          });
    } finally {
      small.close();
      large.close();
    }
  }
}
