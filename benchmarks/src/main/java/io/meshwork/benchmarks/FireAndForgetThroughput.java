package io.meshwork.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fire-and-forget throughput, Meshwork and raw RSocket: each invocation sends {@value #BATCH}
 * messages through {@link Window} (all subscribed at once: a send completes when it is handed to
 * the connection), then makes one request-response to the server's count route. The server
 * answers that only after handling every earlier frame on the connection, so an invocation ends
 * when its messages have <em>arrived</em>: the figure is delivered messages per second, and no
 * backlog can build up between invocations. The server's count, read around each iteration, is
 * compared at the end of the trial with what was sent, and the outcome appended to the notes file ({@code
 * -Dmeshwork.bench.notes}) for the report.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class FireAndForgetThroughput {

  /** Messages per invocation. */
  public static final int BATCH = 1024;

  /** The system measured; see {@link Systems}. */
  @Param({Systems.MESHWORK, Systems.MESHWORK_NO_TIMEOUT, Systems.RAW_RSOCKET})
  public String system;

  /** Message payload in bytes. */
  @Param({"16", "1024"})
  public int payloadSize;

  private BenchClient client;
  private final CpuMeter cpu = new CpuMeter();
  private long ops;
  private long countBefore;
  private long arrived;
  private long sent;

  /** Connects the one client of this trial and reads the server's count. */
  @Setup(Level.Trial)
  public void connect() {
    Turns.take();
    Prewarm.client(system);
    client = Systems.open(system, payloadSize);
  }

  /**
   * Takes this JVM's turn (see {@link Turns}), reads the server's count and starts measuring CPU
   * for this iteration.
   */
  @Setup(Level.Iteration)
  public void iterationStart() {
    Turns.take();
    countBefore = received();
    cpu.start(ops);
  }

  /**
   * Notes this iteration's CPU per op, adds what the server counted to what arrived, and gives the
   * turn back. Counting per iteration, inside the turn, keeps the count this client's own when
   * other clients of the same server take turns between its iterations.
   */
  @TearDown(Level.Iteration)
  public void iterationEnd() {
    cpu.stop("bench=FireAndForgetThroughput system=" + system + " payloadSize=" + payloadSize, ops);
    arrived += received() - countBefore;
    Turns.give();
  }

  /** Checks that everything sent arrived, notes it, and closes the client, in a turn of its own. */
  @TearDown(Level.Trial)
  public void close() {
    Turns.inTurn(this::check);
  }

  private void check() {
    String line =
        "fnf system="
            + system
            + " payloadSize="
            + payloadSize
            + " sent="
            + sent
            + " received="
            + arrived
            + (arrived == sent ? " ok" : " MISSING=" + (sent - arrived));
    System.out.println(line);
    Notes.append(line);
    client.close();
  }

  private long received() {
    Long n = client.received().block(Wire.TIMEOUT);
    if (n == null) {
      throw new IllegalStateException("No count from the server");
    }
    return n;
  }

  /**
   * A batch of sends, then one call that returns once the server has handled them.
   *
   * @return the server's count
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long fireAndForget() {
    Window.run(client::send, BATCH, BATCH);
    ops += BATCH;
    sent += BATCH;
    return received();
  }
}
