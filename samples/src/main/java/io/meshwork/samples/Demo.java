package io.meshwork.samples;

import io.meshwork.Address;
import io.meshwork.BroadcastOptions;
import io.meshwork.CallOptions;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Three nodes on loopback over RSocket/TCP, each interaction model once, two typed errors,
 * broadcast, load balancing, consistent hashing, and a circuit breaker opening on a fourth node
 * killed in its own process and closing after it returns.
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
                        // beta and gamma handle their news on their own threads, maybe at once:
                        // a sink takes one emission at a time, so retry while the other emits
                        newsReceived.emitNext(
                            id + " got news from " + m.sender() + ": " + m.payloadAsString(),
                            (signal, result) -> result == Sinks.EmitResult.FAIL_NON_SERIALIZED)))
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

      loadBalancingAndKeys(alpha, beta);
      breaker(alpha);

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

  /** Requests spread by the load balancer, and key-routed requests landing on each key's owner. */
  private void loadBalancingAndKeys(Node alpha, Node beta) {
    section("load balancing: alpha sends 9 pings to any member serving 'ping', round robin");
    Flux.range(0, 9)
        .concatMap(i -> alpha.request(Target.anyServing("ping"), Message.of("ping")))
        .map(Message::payloadAsString)
        .collectList()
        .doOnNext(r -> System.out.println("  " + String.join(", ", r)))
        .block(TIMEOUT);

    section("consistent hashing: each key goes to its owner on the ring, the same from every node");
    for (String key : List.of("user-1", "user-2", "user-3", "user-4")) {
      String owner = alpha.membership().owners("ping", key, 1).get(0).id().value();
      String fromAlpha =
          alpha.request(Target.key(key), Message.of("ping")).block(TIMEOUT).sender().value();
      String fromBeta =
          beta.request(Target.key(key), Message.of("ping")).block(TIMEOUT).sender().value();
      System.out.printf(
          "  %s: owner %s (replicas %s); served by %s from alpha, %s from beta%n",
          key, owner,
          alpha.membership().owners("ping", key, 2).stream().map(m -> m.id().value()).toList(),
          fromAlpha, fromBeta);
    }
  }

  /** A member in its own process is killed: its breaker opens; it comes back: the breaker closes. */
  private void breaker(Node alpha) throws Exception {
    section("circuit breaker: delta runs in its own JVM and is killed with kill -9, then restarted");
    ChildNode delta = ChildNode.start("delta", "127.0.0.1:0", alpha.address());
    Address deltaAt = delta.awaitListening(Duration.ofSeconds(30));
    Duration wait = Duration.ofSeconds(10);
    Flux.interval(Duration.ofMillis(50))
        .filter(i -> alpha.membership().member(io.meshwork.NodeId.of("delta")).isPresent())
        .blockFirst(wait);
    System.out.printf("  delta joined at %s and serves 'echo' like alpha, beta and gamma%n", deltaAt);
    CallOptions twice =
        alpha.callOptions()
            .retry(RetryPolicy.backoff(2, Duration.ofMillis(5)))
            .timeout(Duration.ofSeconds(2))
            .idempotent(true); // an echo may run twice: a call cut by the kill is retried too
    delta.kill();
    Map<String, Integer> served = spread(alpha, 60, twice);
    System.out.printf(
        "  delta killed; 60 load-balanced echoes (failed attempts retried on another member): %s%n",
        served);
    System.out.printf("  delta's breaker: %s%n", transitions("delta"));
    ChildNode back = ChildNode.start("delta", deltaAt.toString(), alpha.address());
    back.awaitListening(Duration.ofSeconds(30));
    Flux.interval(Duration.ofMillis(100))
        .filter(
            i ->
                alpha.membership().member(io.meshwork.NodeId.of("delta"))
                    .map(m -> m.status() == io.meshwork.membership.MemberStatus.ALIVE)
                    .orElse(false))
        .blockFirst(wait);
    System.out.println("  delta restarted on the same address and rejoined; waiting out the 5 s open period");
    Mono.delay(Duration.ofMillis(5200)).block();
    served = spread(alpha, 40, twice);
    System.out.printf("  40 more echoes: %s%n", served);
    System.out.printf("  delta's breaker: %s%n", transitions("delta"));
    back.kill();
  }

  private static Map<String, Integer> spread(Node from, int calls, CallOptions options) {
    Map<String, Integer> served = new TreeMap<>();
    Flux.range(0, calls)
        .concatMap(
            i ->
                from.request(Target.anyServing("echo"), Message.of("echo", "e" + i), options)
                    .map(r -> r.sender().value())
                    .onErrorResume(e -> Mono.just(e.getClass().getSimpleName())))
        .doOnNext(who -> served.merge(who, 1, Integer::sum))
        .blockLast(TIMEOUT);
    return served;
  }

  private String transitions(String member) {
    List<String> seen = new ArrayList<>();
    registry.find("meshwork.breaker.transitions").tag("node", "alpha").tag("member", member)
        .counters()
        .forEach(c -> seen.add(c.getId().getTag("from") + " -> " + c.getId().getTag("to")
            + " (" + (long) c.count() + "x)"));
    List<String> order = List.of("closed ->", "open ->", "half_open ->");
    seen.sort(Comparator.comparing(t -> order.indexOf(t.substring(0, t.indexOf("->") + 2))));
    return seen.isEmpty() ? "closed, no transitions" : String.join(", ", seen);
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
