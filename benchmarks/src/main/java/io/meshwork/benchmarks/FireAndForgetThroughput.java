package io.meshwork.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
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
 * Fire-and-forget throughput, Meshwork and raw RSocket, as a sustained one-way stream whose
 * arrival is checked. Each invocation sends {@value #BATCH} messages through {@link Window} (all
 * subscribed at once: a send completes when it is handed to the connection), then asks the
 * server's count route for its count. The server answers that only after handling every earlier
 * frame on the connection, so the answer confirms the batch has <em>arrived</em>.
 *
 * <p>The confirmation is pipelined: an invocation waits for the previous batch's answer, not its
 * own, so the client sends batch <i>k</i>+1 while batch <i>k</i> is being handled and confirmed.
 * At most two batches are ever unconfirmed, so no backlog builds up, and the figure is delivered
 * messages per second. Waiting for each batch's own answer instead (stop-and-wait, this
 * benchmark's first design) drains the pipeline every {@value #BATCH} messages: a
 * fire-and-forget sender never waits a round trip, and the stall made the row measure the batch
 * size (see {@code benchmarks/README.md}). rsocket-java's own JMH fire-and-forget benchmark
 * counts a message when its send completes and drains the client's queue between iterations; it
 * never checks arrival. The last batch of an iteration is confirmed in the iteration's tear-down.
 *
 * <p>The server's count, read around each iteration, is compared at the end of the trial with
 * what was sent, and the outcome appended to the notes file ({@code -Dmeshwork.bench.notes}) for
 * the report.
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
  /** The count asked for after the latest batch; answered once that batch has arrived. */
  private @Nullable CompletableFuture<Long> unconfirmed;

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
    confirm();
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

  /**
   * Waits for the latest batch's confirmation, if one is outstanding, and forgets it.
   *
   * @return the server's count then, or 0 if nothing was outstanding
   */
  private long confirm() {
    CompletableFuture<Long> pending = unconfirmed;
    unconfirmed = null;
    return pending == null ? 0 : await(pending);
  }

  private static long await(CompletableFuture<Long> pending) {
    try {
      return pending.get(Wire.TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("No count from the server", e);
    }
  }

  private long received() {
    Long n = client.received().block(Wire.TIMEOUT);
    if (n == null) {
      throw new IllegalStateException("No count from the server");
    }
    return n;
  }

  /**
   * A batch of sends, then a count request that confirms them; returns once the previous batch is
   * confirmed.
   *
   * @return the server's count after the previous batch, or 0 for an iteration's first batch
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long fireAndForget() {
    Window.run(client::send, BATCH, BATCH);
    ops += BATCH;
    sent += BATCH;
    CompletableFuture<Long> previous = unconfirmed;
    unconfirmed = client.received().toFuture();
    return previous == null ? 0 : await(previous);
  }
}
