package io.meshwork.samples;

import io.meshwork.Address;
import io.meshwork.Delivery;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeBuilder;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.membership.MembershipOptions;
import io.meshwork.rsocket.RSocketTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code meshwork node}: one real node in this process, over RSocket/TCP, until SIGINT, SIGTERM
 * or {@code /quit}.
 *
 * <pre>{@code
 * java -jar samples/target/meshwork-samples.jar node --id a --bind 127.0.0.1:7000
 * java -jar samples/target/meshwork-samples.jar node --id b --bind 127.0.0.1:7001 \
 *     --seeds 127.0.0.1:7000
 * }</pre>
 *
 * <p>It serves {@code echo} (request-response: the request's payload back), {@code ticks}
 * (request-stream: a tick every 500 ms until cancelled) and {@code chat} (fire-and-forget: printed
 * as {@code [chat] sender: text}). Once listening it prints {@code node <id> listening on
 * <host:port>} with the port actually bound. Membership changes are logged by the engine, and
 * each request served is logged here, at INFO.
 *
 * <p>Lines typed on stdin: plain text is broadcast to every member's {@code chat}; {@code /echo
 * host:port text}, {@code /ticks host:port n}, {@code /help} and {@code /quit} are commands. At
 * the end of stdin the node keeps running. A shutdown hook stops the node, so SIGINT and SIGTERM
 * close its connections and listener and print {@code node <id> stopped}.
 *
 * <p>{@code block()} appears only on the main thread, the console thread and the shutdown hook:
 * this class is the program's edge. Handlers never block.
 */
@Command(
    name = "node",
    description = {
      "Runs one node over RSocket/TCP until SIGINT, SIGTERM or /quit.",
      "Serves echo (request-response), ticks (request-stream) and chat (fire-and-forget).",
      "Type a line to broadcast it to every member's chat; /help lists the other commands.",
      "At the end of stdin it keeps running (start it in the background with </dev/null)."
    },
    sortOptions = false)
public final class NodeCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(NodeCommand.class);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration TICK_EVERY = Duration.ofMillis(500);

  private static final String COMMANDS =
      String.join(
          System.lineSeparator(),
          "  <text>                  broadcast <text> to every member's chat",
          "  /echo <host:port> <text> ask the node there to echo <text>",
          "  /ticks <host:port> <n>  take <n> ticks from the node there",
          "  /members                the live members and their state",
          "  /help                   this list",
          "  /quit                   stop this node");

  @Option(
      names = "--id",
      paramLabel = "ID",
      converter = NodeIdConverter.class,
      description = "This node's id, 1 to 64 printable ASCII characters (default: random).")
  private @Nullable NodeId id;

  @Option(
      names = "--bind",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:7000",
      converter = AddressConverter.class,
      description = "Where to listen; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  private Address bind = Address.of("127.0.0.1", 7000);

  @Option(
      names = "--advertise",
      paramLabel = "HOST:PORT",
      converter = AddressConverter.class,
      description =
          "The address other nodes dial, when it is not --bind (needed with --bind 0.0.0.0:PORT);"
              + " port 0 is the bound port (default: the --bind address).")
  private @Nullable Address advertise;

  @Option(
      names = "--seeds",
      paramLabel = "HOST:PORT",
      split = ",",
      converter = AddressConverter.class,
      description = "Nodes to connect to at start, comma-separated: 127.0.0.1:7000,127.0.0.1:7001")
  private List<Address> seeds = new ArrayList<>();

  @Option(
      names = "--period",
      paramLabel = "MILLIS",
      defaultValue = "1000",
      description = "Membership protocol period: one member probed per period (default: ${DEFAULT-VALUE}).")
  private long periodMillis = 1000;

  @Option(
      names = "--probe-timeout",
      paramLabel = "MILLIS",
      defaultValue = "500",
      description = "How long a probe waits before asking others to probe (default: ${DEFAULT-VALUE}).")
  private long probeTimeoutMillis = 500;

  @Option(
      names = "--suspicion-multiplier",
      paramLabel = "N",
      defaultValue = "4",
      description = "A suspect is declared DEAD after N x ceil(log2(n+1)) periods (default: ${DEFAULT-VALUE}).")
  private int suspicionMultiplier = 4;

  @SuppressWarnings("unused") // read by picocli
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  /** Used by picocli; run {@code meshwork node} through {@link Main}. */
  public NodeCommand() {}

  /**
   * Starts the node, then waits until it has shut down.
   *
   * @return 0 once the node has stopped, 1 if it could not start
   */
  @Override
  public Integer call() {
    NodeId self = id != null ? id : NodeId.random(new SplittableRandom());
    NodeBuilder builder = Node.builder();
    if (advertise != null) {
      builder.advertise(advertise);
    }
    builder
            .id(self)
            .bind(bind)
            .seeds(seeds)
            .transport(RSocketTransport.tcp())
            .membership(
                MembershipOptions.defaults()
                    .withProbeTimeout(Duration.ofMillis(probeTimeoutMillis))
                    .withPeriod(Duration.ofMillis(periodMillis))
                    .withSuspicionMultiplier(suspicionMultiplier))
            .route(
                "echo",
                Handlers.requestResponse(
                    m -> {
                      log.info("echo from {}: {} bytes", sender(m), m.payloadSize());
                      return Mono.just(m.reply(m.payload()));
                    }))
            .route(
                "ticks",
                Handlers.stream(
                    m -> {
                      log.info("ticks to {}", sender(m));
                      return Flux.interval(TICK_EVERY)
                          .map(i -> m.reply("tick " + i + " from " + self));
                    }))
            .route(
                "chat",
                Handlers.fireAndForget(
                    m -> {
                      log.info("chat from {}", sender(m));
                      System.out.println("[chat] " + sender(m) + ": " + m.payloadAsString());
                    }));
    Node node;
    try {
      node = builder.build();
    } catch (IllegalArgumentException e) { // e.g. --bind 0.0.0.0:7000 without --advertise
      System.err.println("node " + self + ": " + e.getMessage());
      return 2;
    }
    try {
      node.start().block(START_TIMEOUT);
    } catch (RuntimeException e) {
      System.err.println("node " + self + " could not start: " + describe(e));
      node.shutdown().block(STOP_TIMEOUT);
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(node), "meshwork-node-shutdown"));
    System.out.println("node " + self + " listening on " + node.address());
    node.membership()
        .events()
        .filter(e -> !e.member().id().equals(self))
        .publishOn(Schedulers.boundedElastic()) // printing blocks: not on the protocol loop
        .subscribe(e -> System.out.println("member " + e.type() + " " + e.member()));
    System.out.println("type a line to chat with every member; /help lists the commands");

    Thread console = new Thread(() -> readCommands(node), "meshwork-node-console");
    console.setDaemon(true); // never keeps the JVM alive
    console.start();

    node.onClose().block(); // until a signal (through the hook) or /quit shuts it down
    return 0;
  }

  /** The shutdown hook: closes the node's connections and listener. */
  private static void stop(Node node) {
    try {
      node.shutdown().block(STOP_TIMEOUT);
      System.out.println("node " + node.id() + " stopped");
    } catch (RuntimeException e) {
      System.out.println("node " + node.id() + " did not stop cleanly: " + describe(e));
    }
  }

  /** The console thread: one command per line of stdin, until the end of stdin. */
  private static void readCommands(Node node) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        command(node, line.strip());
      }
      log.info("end of stdin: node {} keeps running until SIGINT or SIGTERM", node.id());
    } catch (IOException e) {
      log.warn("cannot read stdin: {}; node {} keeps running", e.getMessage(), node.id());
    }
  }

  private static void command(Node node, String line) {
    if (line.isEmpty()) {
      return;
    }
    if (!line.startsWith("/")) {
      chat(node, line);
      return;
    }
    String[] words = line.split("\\s+", 3);
    try {
      switch (words[0]) {
        case "/echo" -> {
          if (words.length < 3) {
            System.out.println("usage: /echo <host:port> <text>");
            return;
          }
          node.request(Target.address(words[1]), Message.of("echo", words[2]))
              .subscribe(
                  reply ->
                      System.out.println("  <- " + sender(reply) + ": " + reply.payloadAsString()),
                  e -> System.out.println("  ! echo failed: " + describe(e)));
        }
        case "/ticks" -> {
          if (words.length < 3) {
            System.out.println("usage: /ticks <host:port> <n>");
            return;
          }
          int n = count(words[2]);
          node.stream(Target.address(words[1]), Message.of("ticks"))
              .take(n)
              .subscribe(
                  tick ->
                      System.out.println("  <- " + sender(tick) + ": " + tick.payloadAsString()),
                  e -> System.out.println("  ! ticks failed: " + describe(e)));
        }
        case "/quit" -> node.shutdown().subscribe(null, e -> {});
        case "/members" -> node.membership().members().forEach(m -> System.out.println("  " + m));
        case "/help" -> System.out.println(COMMANDS);
        default -> System.out.println("unknown command " + words[0] + "; /help lists the commands");
      }
    } catch (IllegalArgumentException e) { // a bad address or count
      System.out.println("  ! " + e.getMessage());
    }
  }

  private static int count(String text) {
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("<n> must be a whole number, 0 or more, got '" + text + "'");
  }

  private static void chat(Node node, String text) {
    node.broadcast(Message.of("chat", text))
        .doOnNext(NodeCommand::printDelivery)
        .count()
        .subscribe(
            n -> {
              if (n == 0) {
                System.out.println("  (no members yet: nobody got it)");
              }
            },
            e -> System.out.println("  ! broadcast failed: " + describe(e)));
  }

  private static void printDelivery(Delivery d) {
    Throwable failure = d.failure();
    System.out.println(
        "  -> "
            + d.member()
            + (failure == null ? ": delivered" : ": failed: " + failure.getMessage()));
  }

  private static String sender(Message m) {
    NodeId sender = m.sender();
    return sender == null ? "(unknown)" : sender.toString();
  }

  private static String describe(Throwable e) {
    Throwable cause = Exceptions.unwrap(e);
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** Parses {@code host:port} for picocli. */
  static final class AddressConverter implements ITypeConverter<Address> {
    @Override
    public Address convert(String value) {
      try {
        return Address.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Validates a node id for picocli. */
  static final class NodeIdConverter implements ITypeConverter<NodeId> {
    @Override
    public NodeId convert(String value) {
      try {
        return NodeId.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
