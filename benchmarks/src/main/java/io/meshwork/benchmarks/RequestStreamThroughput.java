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
 * Request-stream throughput, one subscriber: each invocation asks for a stream of {@value
 * #ITEMS} items of {@code payloadSize} bytes and counts them through {@link Window} (one call,
 * unbounded demand). One op is one item.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RequestStreamThroughput {

  /** Items per stream (per invocation). */
  public static final int ITEMS = 10_000;

  /** The system measured; see {@link Systems}. */
  @Param({Systems.MESHWORK, Systems.MESHWORK_NO_TIMEOUT, Systems.RAW_RSOCKET})
  public String system;

  /** Item payload in bytes. */
  @Param({"16", "1024"})
  public int payloadSize;

  private BenchClient client;

  /** Connects the one client of this trial. */
  @Setup(Level.Trial)
  public void connect() {
    Turns.take();
    Prewarm.client(system);
    client = Systems.open(system, payloadSize);
  }

  /** Closes it, in a turn of its own. */
  @TearDown(Level.Trial)
  public void close() {
    Turns.inTurn(client::close);
  }

  /**
   * One stream of {@value #ITEMS} items.
   *
   * @param turn holds this JVM's turn through the iteration (see {@link Turns})
   * @return the bytes received
   */
  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public long requestStream(TurnTaking turn) {
    long bytes = Window.run(() -> client.stream(ITEMS), 1, 1);
    if (bytes != (long) ITEMS * payloadSize) {
      throw new IllegalStateException("Streamed " + bytes + " bytes, expected " + ITEMS * payloadSize);
    }
    return bytes;
  }
}
