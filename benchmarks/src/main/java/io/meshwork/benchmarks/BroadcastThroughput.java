package io.meshwork.benchmarks;

import io.meshwork.BroadcastOptions;
import io.meshwork.Delivery;
import io.meshwork.Message;
import io.meshwork.Node;
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
import reactor.core.publisher.Mono;

/**
 * Acknowledged broadcast fan-out, Meshwork only: a client node joins the {@link BenchServer}
 * cluster of exactly {@code members} member nodes (one cluster per fan-out, since a broadcast
 * reaches every live member) and broadcasts to them, {@value #IN_FLIGHT} broadcasts outstanding
 * through {@link Window}. Each invocation makes {@value #DELIVERIES} deliveries ({@value
 * #DELIVERIES} / {@code members} broadcasts), so one op is one acknowledged delivery whatever the
 * fan-out, and every delivery is checked to have succeeded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BroadcastThroughput {

  /** Deliveries per invocation. */
  public static final int DELIVERIES = 1024;

  /** Broadcasts outstanding at once. */
  public static final int IN_FLIGHT = 16;

  private static final BroadcastOptions ACKNOWLEDGED = BroadcastOptions.acknowledged();

  /** How many members the client knows. */
  @Param({"1", "2", "4", "8"})
  public int members;

  /** Message payload in bytes. */
  @Param({"16", "1024"})
  public int payloadSize;

  private Node node;
  private Message message;

  /** Starts the client node in the cluster of {@code members} members. */
  @Setup(Level.Trial)
  public void connect() {
    Turns.take();
    Systems.announce();
    Ports.firstMember(members); // checks the fan-out
    prewarm();
    node = joined(members);
    message = Message.of(Wire.BCAST, new byte[payloadSize]);
    Integer delivered = oneBroadcast().block(Wire.TIMEOUT);
    if (delivered == null || delivered != members) {
      throw new IllegalStateException(
          "A broadcast reached " + delivered + " members, expected " + members);
    }
  }

  /**
   * A client node in the cluster of {@code fanOut} members, returned once its view holds them all.
   */
  private static Node joined(int fanOut) {
    Node node =
        Node.builder()
            .bind(Ports.HOST, 0)
            .transport(Wire.meshworkTransport())
            .seeds(Ports.HOST + ":" + Ports.member(Ports.firstMember(fanOut)))
            .build()
            .start()
            .block(Wire.TIMEOUT);
    // The view is replayed first, so this completes at once if the join already brought it all.
    node.membership()
        .events()
        .filter(e -> node.membership().members().size() >= fanOut + 1)
        .next()
        .block(Wire.TIMEOUT);
    return node;
  }

  /** Once per JVM: broadcasts to 1 and to 8 members, alternating 16 B and 1 KiB. */
  static void prewarm() {
    if (!Prewarm.pending("broadcast")) {
      return;
    }
    Node one = joined(1);
    Node all = joined(Ports.MAX_FAN_OUT);
    try {
      Message[] messages = {
        Message.of(Wire.BCAST, new byte[16]), Message.of(Wire.BCAST, new byte[1024])
      };
      int[] turn = {0};
      Prewarm.once(
          "broadcast",
          () -> {
            Message m = messages[turn[0]++ & 1];
            Window.run(() -> one.broadcast(m, ACKNOWLEDGED), 256, IN_FLIGHT);
            Window.run(() -> all.broadcast(m, ACKNOWLEDGED), 64, IN_FLIGHT);
          });
    } finally {
      one.shutdown().block(Wire.TIMEOUT);
      all.shutdown().block(Wire.TIMEOUT);
    }
  }

  /** Shuts the client node down, in a turn of its own. */
  @TearDown(Level.Trial)
  public void close() {
    Turns.inTurn(() -> node.shutdown().block(Wire.TIMEOUT));
  }

  private Mono<Integer> oneBroadcast() {
    return node.broadcast(message, ACKNOWLEDGED)
        .map(BroadcastThroughput::succeeded)
        .reduce(0, Integer::sum);
  }

  private static int succeeded(Delivery d) {
    return d.isSuccess() ? 1 : 0;
  }

  /**
   * {@value #DELIVERIES} / {@code members} acknowledged broadcasts.
   *
   * @param turn holds this JVM's turn through the iteration (see {@link Turns})
   * @return the deliveries that succeeded (all of them, or it throws)
   */
  @Benchmark
  @OperationsPerInvocation(DELIVERIES)
  public long broadcast(TurnTaking turn) {
    long delivered = Window.run(this::oneBroadcast, DELIVERIES / members, IN_FLIGHT);
    if (delivered != DELIVERIES) {
      throw new IllegalStateException(
          "Delivered " + delivered + " of " + DELIVERIES + " (a member failed)");
    }
    return delivered;
  }
}
