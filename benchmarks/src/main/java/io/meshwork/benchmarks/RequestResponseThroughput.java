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
 * Request-response throughput with 1, 16 or 256 requests in flight: each invocation is a batch of
 * {@value #BATCH} echo calls issued through {@link Window} (exactly {@code inFlight} outstanding,
 * the next one issued from the completing thread), the same harness for every system. One op is
 * one call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RequestResponseThroughput {

  /** Calls per invocation. */
  public static final int BATCH = 1024;

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

  /** Requests outstanding at once. */
  @Param({"1", "16", "256"})
  public int inFlight;

  private BenchClient client;
  private final CpuMeter cpu = new CpuMeter();
  private long ops;

  /** Connects the one client of this trial. */
  @Setup(Level.Trial)
  public void connect() {
    Turns.take();
    Prewarm.client(system);
    client = Systems.open(system, payloadSize);
  }

  /** Takes this JVM's turn (see {@link Turns}) and starts measuring CPU for this iteration. */
  @Setup(Level.Iteration)
  public void iterationStart() {
    Turns.take();
    cpu.start(ops);
  }

  /** Notes this iteration's CPU per op and gives the turn back. */
  @TearDown(Level.Iteration)
  public void iterationEnd() {
    cpu.stop(
        "bench=RequestResponseThroughput system="
            + system
            + " payloadSize="
            + payloadSize
            + " inFlight="
            + inFlight,
        ops);
    Turns.give();
  }

  /** Closes it, in a turn of its own. */
  @TearDown(Level.Trial)
  public void close() {
    Turns.inTurn(client::close);
  }

  /**
   * A batch of echo calls.
   *
   * @return the bytes echoed
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long requestResponse() {
    long bytes = Window.run(client::call, BATCH, inFlight);
    ops += BATCH;
    if (bytes != (long) BATCH * payloadSize) {
      throw new IllegalStateException("Echoed " + bytes + " bytes, expected " + BATCH * payloadSize);
    }
    return bytes;
  }
}
