package io.meshwork.benchmarks;

import io.meshwork.FireAndForgetHandler;
import io.meshwork.Handlers;
import io.meshwork.Node;
import io.meshwork.NodeBuilder;
import io.meshwork.core.metrics.MicrometerMetrics;
import io.meshwork.rsocket.RSocketTransport;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * The node {@link OverloadLatency} floods, in its own JVM: {@code fast} answers at once, {@code
 * slow} and the fire-and-forget {@code sink} hold their handler slot for {@value #SLOW_MILLIS} ms.
 * Binds an ephemeral loopback port and prints {@code READY <port>}; when its standard input
 * closes it prints {@code REFUSED requests=<n> sends=<n>} (from its Micrometer meters) and exits.
 *
 * <pre>{@code
 * java -cp meshwork-benchmarks.jar io.meshwork.benchmarks.OverloadServer <handlers> <perPeer>
 * }</pre>
 *
 * <p>Caps of {@code 0} mean no overload protection (both caps at {@link Integer#MAX_VALUE}).
 */
public final class OverloadServer {

  /** How long {@code slow} and {@code sink} hold their slot. */
  static final int SLOW_MILLIS = 20;

  static final String FAST = "fast";
  static final String SLOW = "slow";
  static final String SINK = "sink";

  private OverloadServer() {}

  /**
   * Serves until stdin closes (or after 30 minutes).
   *
   * @param args the node's handler cap and per-peer cap ({@code 0 0}: unprotected), then
   *     optionally the lease permits per connection (absent or 0: no leases)
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    run(args);
  }

  /** How many calls may wait for a permit per connection, with leases on. */
  static final int LEASE_PENDING = 2048;

  /** RSocket over TCP, with leases of {@code permits} per connection if more than 0. */
  static RSocketTransport transport(int permits) {
    return permits > 0
        ? RSocketTransport.builder().leases(permits, LEASE_PENDING).build()
        : RSocketTransport.tcp();
  }

  private static void run(String[] args) throws InterruptedException {
    int handlers = Integer.parseInt(args[0]);
    int perPeer = Integer.parseInt(args[1]);
    int leases = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Duration slow = Duration.ofMillis(SLOW_MILLIS);
    NodeBuilder builder =
        Node.builder()
            .id("overloaded")
            .bind(Ports.HOST, 0)
            .transport(transport(leases))
            .metrics(MicrometerMetrics.of(registry))
            .route(FAST, Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
            .route(SLOW, Handlers.requestResponse(m -> Mono.delay(slow).thenReturn(m.reply("done"))))
            .route(SINK, (FireAndForgetHandler) m -> Mono.delay(slow).then());
    if (handlers > 0) {
      builder.overloadLimits(handlers, perPeer);
    } else {
      builder.overloadLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }
    Node node = builder.build().start().block(Wire.TIMEOUT);
    CountDownLatch stop = new CountDownLatch(1);
    Thread stdin = new Thread(() -> ChildProcess.drain(System.in, stop), "overload-server-stdin");
    stdin.setDaemon(true);
    stdin.start();
    System.out.println("READY " + node.address().port());
    System.out.flush();
    stop.await(30, TimeUnit.MINUTES);
    System.out.println(
        "REFUSED requests="
            + refused(registry, "request_response")
            + " sends="
            + refused(registry, "fire_and_forget"));
    System.out.flush();
    node.shutdown().block(Wire.TIMEOUT);
    System.exit(0);
  }

  private static long refused(SimpleMeterRegistry registry, String interaction) {
    return registry.find("meshwork.requests").tag("outcome", "rejected")
        .tag("interaction", interaction).timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
