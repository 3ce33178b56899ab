package io.meshwork.samples;

import io.meshwork.Address;
import io.meshwork.BroadcastOptions;
import io.meshwork.Delivery;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.RetryPolicy;
import io.meshwork.Target;
import io.meshwork.error.MeshworkException;
import io.meshwork.core.metrics.MicrometerMetrics;
import io.meshwork.rsocket.RSocketTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Three nodes on loopback over RSocket/TCP, each interaction model once, and two typed errors.
 * Exits 0 by itself. {@code block()} appears here only because {@code main} is the program's
 * edge; handlers and verbs never block.
 */
public final class Demo {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Sinks.Many<String> newsReceived = Sinks.many().replay().all();

  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    long start = System.nanoTime();
    try {
      new Demo().run();
    } catch (Exception e) {
      throw new IllegalStateException("The demo failed", e);
    }
    System.out.printf("%nDone in %d ms.%n", (System.nanoTime() - start) / 1_000_000);
  }

  private final MeterRegistry registry = new SimpleMeterRegistry();

  private Node node(String id, Node... seeds) {
    return node(id, Address.of("127.0.0.1", 0), seeds); // ephemeral port
  }

  private Node node(String id, Address bind, Node... seeds) {
    Node node =
        Node.builder()
            .id(id)
            .bind(bind)
            .metrics(MicrometerMetrics.of(registry))
            .seeds(Stream.of(seeds).map(Node::address).toList())
            .transport(RSocketTransport.tcp())
            .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
            .route("ping", Handlers.requestResponse(m -> Mono.just(m.reply("pong from " + id))))
            .route(
                "ticks",
                Handlers.stream(
                    m ->
                        Flux.interval(Duration.ofMillis(20))
                            .map(i -> m.reply(id + " tick " + i))))
            .route(
                "upper",
                Handlers.channel(in -> in.map(m -> m.reply(m.payloadAsString().toUpperCase()))))
            .route(
                "news",
                Handlers.fireAndForget(
                    m ->
                        newsReceived.tryEmitNext(
                            id + " got news from " + m.sender() + ": " + m.payloadAsString())))
            .route(
                "divide",
                Handlers.requestResponse(
                    m -> Mono.just(m.reply(String.valueOf(100 / Integer.parseInt(m.payloadAsString()))))))
            .build();
    return node.start().block(TIMEOUT);
  }

  private void run() throws Exception {
    Node alpha = node("alpha");
    Node beta = node("beta", alpha);
    Node gamma = node("gamma", alpha, beta);
    List<Node> all = List.of(alpha, beta, gamma);
    try {
      System.out.println();
      for (Node n : all) {
        System.out.printf("node %-5s listening on %s%n", n.id(), n.address());
      }

      section("request-response: alpha asks beta to echo");
      Message reply =
          alpha.request(Target.member(beta.id()), Message.of("echo", "hello, beta")).block(TIMEOUT);
      System.out.printf("  alpha <- %s: \"%s\"%n", reply.sender(), reply.payloadAsString());

      section("request-stream: gamma takes 5 ticks from alpha (demand 5, then cancel)");
      gamma
          .stream(Target.member(alpha.id()), Message.of("ticks"))
          .take(5)
          .doOnNext(m -> System.out.printf("  gamma <- %s%n", m.payloadAsString()))
          .blockLast(TIMEOUT);

      section("request-channel: beta streams words to gamma, gamma streams them back upper-cased");
      beta.channel(
              Target.member(gamma.id()),
              Flux.just("reactive", "streams", "both", "ways").map(w -> Message.of("upper", w)))
          .doOnNext(m -> System.out.printf("  beta <- %s: %s%n", m.sender(), m.payloadAsString()))
          .blockLast(TIMEOUT);

      section("fire-and-forget: alpha tells beta and gamma");
      Flux.just(beta, gamma)
          .flatMap(to -> alpha.send(Target.member(to.id()), Message.of("news", "config v2")))
          .blockLast(TIMEOUT);
      newsReceived.asFlux().take(2).doOnNext(s -> System.out.println("  " + s)).blockLast(TIMEOUT);

      section("typed errors: an unknown route, and a handler that throws");
      printError(gamma.request(Target.member(beta.id()), Message.of("no-such-route")));
      printError(gamma.request(Target.member(beta.id()), Message.of("divide", "0")));
      Message ok = gamma.request(Target.member(beta.id()), Message.of("divide", "4")).block(TIMEOUT);
      System.out.printf("  ...and beta still serves: 100 / 4 = %s%n", ok.payloadAsString());

      section("broadcast: alpha pings every member it knows, one delivery per member");
      alpha
          .broadcast(Message.of("ping"), BroadcastOptions.acknowledged())
          .sort(Comparator.comparing(Delivery::member))
          .doOnNext(
              d ->
                  System.out.printf(
                      "  %s: %s%n",
                      d.member(),
                      d.isSuccess() ? d.reply().payloadAsString() : "failed: " + d.failure()))
          .blockLast(TIMEOUT);

      section("retry across a restart: gamma stops, alpha's request waits for it to come back");
      Address gammaAddress = gamma.address();
      gamma.shutdown().block(TIMEOUT);
      double retriesBefore = registry.get("meshwork.retries").tag("node", "alpha").counter().count();
      CompletableFuture<Message> pending =
          alpha
              .request(
                  Target.member(gamma.id()),
                  Message.of("echo", "are you back?"),
                  alpha
                      .callOptions()
                      .retry(RetryPolicy.backoff(40, Duration.ofMillis(25)).maxBackoff(Duration.ofMillis(100)))
                      .idempotent(true))
              .toFuture();
      System.out.printf("  gamma stopped; alpha's request is retrying%n");
      gamma = node("gamma", gammaAddress, alpha, beta);
      Message back = pending.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      double retries =
          registry.get("meshwork.retries").tag("node", "alpha").counter().count() - retriesBefore;
      System.out.printf(
          "  gamma restarted on %s; alpha <- %s: \"%s\" after %.0f retries%n",
          gammaAddress, back.sender(), back.payloadAsString(), retries);
      all = List.of(alpha, beta, gamma);

      section("metrics (Micrometer): outbound calls per node, route and outcome");
      printMetrics();
    } finally {
      Flux.fromIterable(all).flatMap(Node::shutdown).blockLast(TIMEOUT);
    }
  }

  private void printMetrics() {
    registry.find("meshwork.requests").tag("direction", "outbound").timers().stream()
        .sorted(
            Comparator.comparing((Timer t) -> t.getId().getTag("node"))
                .thenComparing(t -> t.getId().getTag("route"))
                .thenComparing(t -> t.getId().getTag("outcome")))
        .forEach(
            t ->
                System.out.printf(
                    "  %-6s %-14s %-16s %-15s %3d calls, mean %6.2f ms%n",
                    t.getId().getTag("node"),
                    t.getId().getTag("route"),
                    t.getId().getTag("interaction"),
                    t.getId().getTag("outcome"),
                    t.count(),
                    t.mean(TimeUnit.MILLISECONDS)));
    for (String node : List.of("alpha", "beta", "gamma")) {
      System.out.printf(
          "  %-6s messages sent %3.0f, received %3.0f, retries %2.0f%n",
          node,
          registry.get("meshwork.messages").tag("node", node).tag("direction", "sent").counter().count(),
          registry.get("meshwork.messages").tag("node", node).tag("direction", "received").counter().count(),
          registry.get("meshwork.retries").tag("node", node).counter().count());
    }
  }

  private static void printError(Mono<Message> call) {
    try {
      call.block(TIMEOUT);
      throw new IllegalStateException("expected an error");
    } catch (MeshworkException e) {
      System.out.printf("  %s: %s%n", e.getClass().getSimpleName(), e.getMessage());
    }
  }

  private static void section(String title) {
    System.out.printf("%n== %s%n", title);
  }
}
