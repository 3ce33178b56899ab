package io.meshwork.benchmarks;

import io.meshwork.CallOptions;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.RetryPolicy;
import io.meshwork.Target;
import io.meshwork.error.RejectedException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The client that floods {@link OverloadServer}, in its own JVM: waves of {@value #SENDS}
 * fire-and-forget messages to {@code sink} and {@value #REQUESTS} requests to {@code slow}, each
 * {@value #IN_FLIGHT} at a time, one wave after another, with no retries. Prints {@code FLOODING}
 * when the first wave starts; stops when its stdin closes, after {@value #MAX_WAVES} waves or 30
 * minutes, and prints {@code FLOODED waves=… sends=… served=… rejected=… failed=…}.
 *
 * <pre>{@code
 * java -cp meshwork-benchmarks.jar io.meshwork.benchmarks.Flooder <server port> [lease permits]
 * }</pre>
 */
public final class Flooder {

  static final int SENDS = 100_000;
  static final int REQUESTS = 10_000;
  static final int IN_FLIGHT = 512;
  static final int MAX_WAVES = 10_000;

  private final AtomicLong waves = new AtomicLong();
  private final AtomicLong sends = new AtomicLong();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private Flooder() {}

  /**
   * Floods until stdin closes.
   *
   * @param args the server's loopback port
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    Target server = Target.address(Ports.HOST + ":" + Integer.parseInt(args[0]));
    int leases = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    Node node =
        Node.builder()
            .id("flooder")
            .bind(Ports.HOST, 0)
            .transport(OverloadServer.transport(leases))
            .callOptions(CallOptions.defaults().timeout(Duration.ofSeconds(30)).retry(RetryPolicy.none()))
            .build()
            .start()
            .block(Wire.TIMEOUT);
    Flooder flooder = new Flooder();
    Sinks.Empty<Void> stopped = Sinks.empty();
    CountDownLatch stdinClosed = new CountDownLatch(1);
    Thread stdin =
        new Thread(
            () -> {
              ChildProcess.drain(System.in, stdinClosed);
              stopped.tryEmitEmpty();
            },
            "flooder-stdin");
    stdin.setDaemon(true);
    stdin.start();
    System.out.println("FLOODING");
    System.out.flush();
    Flux.range(0, MAX_WAVES)
        .concatMap(w -> flooder.wave(node, server))
        .takeUntilOther(stopped.asMono())
        .take(Duration.ofMinutes(30))
        .then()
        .block();
    System.out.println(
        "FLOODED waves=" + flooder.waves.get() + " sends=" + flooder.sends.get()
            + " served=" + flooder.served.get() + " rejected=" + flooder.rejected.get()
            + " failed=" + flooder.failed.get());
    System.out.flush();
    node.shutdown().block(Wire.TIMEOUT);
    System.exit(0);
  }

  private Mono<Void> wave(Node node, Target server) {
    Message sink = Message.of(OverloadServer.SINK, "flood");
    Message slow = Message.of(OverloadServer.SLOW, "flood");
    Flux<Void> fnf =
        Flux.range(0, SENDS)
            .flatMap(i -> counted(node.send(server, sink).doOnSuccess(v -> sends.incrementAndGet())), IN_FLIGHT);
    Flux<Void> requests =
        Flux.range(0, REQUESTS)
            .flatMap(
                i -> counted(node.request(server, slow).doOnNext(r -> served.incrementAndGet()).then()),
                IN_FLIGHT);
    return Flux.merge(fnf, requests).then().doOnSuccess(v -> waves.incrementAndGet());
  }

  /** The call with its failure counted (a refusal apart) and swallowed, so the wave goes on. */
  private Mono<Void> counted(Mono<Void> call) {
    return call.onErrorResume(
        e -> {
          (e instanceof RejectedException ? rejected : failed).incrementAndGet();
          return Mono.empty();
        });
  }
}
