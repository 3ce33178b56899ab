package io.meshwork.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request-response latency with one request in flight: each invocation is one echo call,
 * {@code block()}ed by the JMH thread, sampled ({@code Mode.SampleTime}) so the report can give
 * p50, p99 and p99.9 in microseconds. The server is {@link BenchServer}, in another JVM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RequestResponseLatency {

  /** The system measured; see {@link Systems}. */
  @Param({
    Systems.MESHWORK,
    Systems.MESHWORK_NO_TIMEOUT,
    Systems.RAW_RSOCKET,
    Systems.GRPC_DIRECT,
    Systems.GRPC_DEFAULT
  })
  public String system;

  /** Request (and reply) payload in bytes. */
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
   * One echo call.
   *
   * @param turn holds this JVM's turn through the iteration (see {@link Turns})
   * @return the reply's size
   */
  @Benchmark
  public int requestResponse(TurnTaking turn) {
    Integer size = client.call().block(Wire.TIMEOUT);
    if (size == null || size != payloadSize) {
      throw new IllegalStateException("Reply of " + size + " bytes, expected " + payloadSize);
    }
    return size;
  }
}
