package io.meshwork;

import io.meshwork.membership.MembershipOptions;
import io.meshwork.spi.NodeFactory;
import io.meshwork.spi.NodeMetrics;
import io.meshwork.spi.NodeOptions;
import io.meshwork.spi.Route;
import io.meshwork.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link Node}. Each option has a stated default; {@link #build()} validates them
 * all and names the first bad one.
 *
 * <pre>{@code
 * Node node = Node.builder()
 *     .id("orders-1")
 *     .bind("127.0.0.1", 0)
 *     .seeds("127.0.0.1:7000", "127.0.0.1:7001")
 *     .transport(RSocketTransport.tcp())
 *     .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
 *     .maxInboundPayloadSize(1 << 20)
 *     .build();
 * }</pre>
 *
 * <p>Not thread-safe; build on one thread.
 */
public final class NodeBuilder {

  /** The default inbound payload limit: 16 MiB. */
  public static final int DEFAULT_MAX_INBOUND_PAYLOAD_SIZE = 16 * 1024 * 1024;

  /** The longest route accepted, in UTF-8 bytes (the limit of an RSocket routing tag). */
  public static final int MAX_ROUTE_LENGTH = Message.MAX_ROUTE_LENGTH;

  /** How many handlers may run at once on a node, unless configured. */
  public static final int DEFAULT_MAX_CONCURRENT_HANDLERS = 10_000;

  /** How many handlers may run at once for one peer (one connection), unless configured. */
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_PEER = 2_048;

  /** The longest metadata key or value, in UTF-8 bytes. */
  public static final int MAX_METADATA_ENTRY_LENGTH = 255;

  /** Routes the framework serves itself (membership); user routes may not start with it. */
  public static final String RESERVED_ROUTE_PREFIX = "meshwork/";

  /** The largest inbound payload limit accepted: 1 GiB. */
  public static final int MAX_INBOUND_PAYLOAD_SIZE = 1 << 30;

  private @Nullable NodeId id;
  private Address bindAddress = Address.of("127.0.0.1", 0);
  private @Nullable Address advertiseAddress;
  private final List<Address> seeds = new ArrayList<>();
  private final Map<String, String> metadata = new TreeMap<>();
  private MembershipOptions membership = MembershipOptions.defaults();
  private LoadBalancing loadBalancing = LoadBalancing.ROUND_ROBIN;
  private int maxConcurrentHandlers = DEFAULT_MAX_CONCURRENT_HANDLERS;
  private int maxInFlightPerPeer = DEFAULT_MAX_IN_FLIGHT_PER_PEER;
  private CircuitBreakerOptions circuitBreakers = CircuitBreakerOptions.defaults();
  private @Nullable Transport transport;
  private final List<Route> routes = new ArrayList<>();
  private Environment environment = Environment.system();
  private int maxInboundPayloadSize = DEFAULT_MAX_INBOUND_PAYLOAD_SIZE;
  private CallOptions callOptions = CallOptions.defaults();
  private NodeMetrics metrics = NodeMetrics.NONE;

  NodeBuilder() {}

  /**
   * The node's id. Default: drawn at random from the environment.
   *
   * @param id the id
   * @return this builder
   */
  public NodeBuilder id(NodeId id) {
    this.id = Objects.requireNonNull(id, "id");
    return this;
  }

  /**
   * The node's id, as text.
   *
   * @param id 1 to 64 printable ASCII characters
   * @return this builder
   */
  public NodeBuilder id(String id) {
    return id(NodeId.of(id));
  }

  /**
   * Where to listen. Default: {@code 127.0.0.1:0}, an ephemeral loopback port.
   *
   * @param host the interface (an IP literal or host name)
   * @param port the port; 0 for an ephemeral one
   * @return this builder
   */
  public NodeBuilder bind(String host, int port) {
    return bind(Address.of(host, port));
  }

  /**
   * Where to listen.
   *
   * @param address the address; port 0 for an ephemeral one
   * @return this builder
   */
  public NodeBuilder bind(Address address) {
    this.bindAddress = Objects.requireNonNull(address, "address");
    return this;
  }

  /**
   * The address other nodes are told to reach this node at, when it is not where it listens: a
   * node bound to {@code 0.0.0.0} in a container advertises its routable host (the pod's IP, the
   * host's name, a NAT's public port). Peers learn it from this node's connection SETUP, its hello
   * to those that dial it, and the membership gossip. Default: the bind address. Port 0 means
   * the port the node is bound to.
   *
   * <pre>{@code
   * Node.builder().bind("0.0.0.0", 7000).advertise("10.1.2.3", 0)...
   * }</pre>
   *
   * @param host the host name or IP literal peers dial
   * @param port the port peers dial; 0 for the bound port
   * @return this builder
   */
  public NodeBuilder advertise(String host, int port) {
    return advertise(Address.of(host, port));
  }

  /**
   * The address other nodes are told to reach this node at; see {@link #advertise(String, int)}.
   *
   * @param address the address; port 0 for the bound port
   * @return this builder
   */
  public NodeBuilder advertise(Address address) {
    this.advertiseAddress = Objects.requireNonNull(address, "address");
    return this;
  }

  /**
   * Nodes to connect to at start, as {@code host:port}. Default: none. Adds to earlier seeds.
   *
   * @param hostPorts the seeds' addresses
   * @return this builder
   * @throws IllegalArgumentException if one is not an address
   */
  public NodeBuilder seeds(String... hostPorts) {
    for (String s : hostPorts) {
      seeds.add(Address.parse(s));
    }
    return this;
  }

  /**
   * Nodes to connect to at start. Adds to earlier seeds.
   *
   * @param addresses the seeds' addresses
   * @return this builder
   */
  public NodeBuilder seeds(Iterable<Address> addresses) {
    for (Address a : addresses) {
      seeds.add(Objects.requireNonNull(a, "seed"));
    }
    return this;
  }

  /**
   * The transport. Required: {@code RSocketTransport.tcp()} from framework-rsocket, or {@code
   * InMemoryTransport} from framework-core for tests.
   *
   * @param transport the transport
   * @return this builder
   */
  public NodeBuilder transport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /**
   * Serves a route. A route may serve several interaction models, one handler each.
   *
   * @param route the route, 1 to {@value #MAX_ROUTE_LENGTH} UTF-8 bytes
   * @param handler the handler
   * @return this builder
   */
  public NodeBuilder route(String route, Handler handler) {
    routes.add(new Route(route, handler));
    return this;
  }

  /**
   * Time, randomness and the timer scheduler. Default: {@link Environment#system()}.
   *
   * @param environment the environment
   * @return this builder
   */
  public NodeBuilder environment(Environment environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  /**
   * The largest payload this node accepts, in bytes: larger requests (and replies) fail with
   * {@link io.meshwork.error.PayloadTooLargeException} and the connection stays usable. Peers
   * learn the limit at connection and refuse to send more without sending anything. Default: 16
   * MiB. Trades memory per in-flight message against what one message may carry.
   *
   * @param bytes 64 to 1 GiB
   * @return this builder
   */
  public NodeBuilder maxInboundPayloadSize(int bytes) {
    this.maxInboundPayloadSize = bytes;
    return this;
  }

  /**
   * The defaults for this node's outgoing calls: timeout, retries, idempotence. Default: {@link
   * CallOptions#defaults()}.
   *
   * @param defaults the options every verb without its own uses
   * @return this builder
   */
  public NodeBuilder callOptions(CallOptions defaults) {
    this.callOptions = Objects.requireNonNull(defaults, "defaults");
    return this;
  }

  /**
   * Where the node reports calls, messages, retries and drops: {@code
   * MicrometerMetrics.of(registry)} from framework-core. Default: {@link NodeMetrics#NONE}, which
   * costs nothing.
   *
   * @param recorder the metrics
   * @return this builder
   */
  public NodeBuilder metrics(NodeMetrics recorder) {
    this.metrics = Objects.requireNonNull(recorder, "recorder");
    return this;
  }

  /**
   * The membership protocol's parameters (probe period, timeouts, gossip). Default: {@link
   * MembershipOptions#defaults()}.
   *
   * @param options the parameters
   * @return this builder
   */
  public NodeBuilder membership(MembershipOptions options) {
    this.membership = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Overload protection: at most {@code maxConcurrentHandlers} handlers run at once on this node,
   * and at most {@code maxInFlightPerPeer} of them for one peer (one connection). Beyond either
   * the node answers {@link io.meshwork.error.RejectedException} (retryable: the caller's retry
   * policy backs off and tries again, on another member for {@code Target.anyServing}) instead
   * of queueing without bound; a refused fire-and-forget message is dropped. Both are counted as
   * {@code outcome=rejected}. A fire-and-forget consumer ({@link Handlers#fireAndForget}) runs
   * to its end as its message arrives, so it cannot pile up and takes no slot. Defaults: {@value
   * #DEFAULT_MAX_CONCURRENT_HANDLERS} and {@value #DEFAULT_MAX_IN_FLIGHT_PER_PEER}.
   *
   * @param maxConcurrentHandlers per node, at least 1
   * @param maxInFlightPerPeer per peer, at least 1 and at most {@code maxConcurrentHandlers}
   * @return this builder
   */
  public NodeBuilder overloadLimits(int maxConcurrentHandlers, int maxInFlightPerPeer) {
    if (maxConcurrentHandlers < 1 || maxInFlightPerPeer < 1
        || maxInFlightPerPeer > maxConcurrentHandlers) {
      throw new IllegalArgumentException(
          "need 1 <= maxInFlightPerPeer <= maxConcurrentHandlers, got " + maxInFlightPerPeer
              + " and " + maxConcurrentHandlers);
    }
    this.maxConcurrentHandlers = maxConcurrentHandlers;
    this.maxInFlightPerPeer = maxInFlightPerPeer;
    return this;
  }

  /**
   * The per-member circuit breakers of load-balanced calls. Default: {@link
   * CircuitBreakerOptions#defaults()}.
   *
   * @param options the breaker settings
   * @return this builder
   */
  public NodeBuilder circuitBreakers(CircuitBreakerOptions options) {
    this.circuitBreakers = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * How {@link Target#anyServing(String)} picks among the members serving a route, unless a call
   * says otherwise. Default: {@link LoadBalancing#ROUND_ROBIN}.
   *
   * @param strategy the strategy
   * @return this builder
   */
  public NodeBuilder loadBalancing(LoadBalancing strategy) {
    this.loadBalancing = Objects.requireNonNull(strategy, "strategy");
    return this;
  }

  /**
   * Metadata this node advertises to the cluster (beside the routes it serves, which it
   * advertises anyway). Adds to earlier metadata. Keys and values are at most {@value
   * #MAX_METADATA_ENTRY_LENGTH} UTF-8 bytes each.
   *
   * @param key the key
   * @param value the value
   * @return this builder
   */
  public NodeBuilder metadata(String key, String value) {
    checkMetadata(key, "key");
    checkMetadata(value, "value");
    metadata.put(key, value);
    return this;
  }

  private static void checkMetadata(String s, String what) {
    Objects.requireNonNull(s, what);
    int length = s.getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_METADATA_ENTRY_LENGTH) {
      throw new IllegalArgumentException(
          "metadata " + what + " must be at most " + MAX_METADATA_ENTRY_LENGTH
              + " UTF-8 bytes, got " + length);
    }
  }

  /**
   * Validates the options and creates the node, not yet started.
   *
   * @return the node
   * @throws IllegalArgumentException naming the first invalid option
   * @throws IllegalStateException if no engine (framework-core) is on the class path
   */
  public Node build() {
    if (transport == null) {
      throw new IllegalArgumentException(
          "transport is required: pass RSocketTransport.tcp() (framework-rsocket) or"
              + " InMemoryTransport.create() (framework-core)");
    }
    if (advertiseAddress == null && bindAddress.isWildcard()) {
      throw new IllegalArgumentException(
          "bind address "
              + bindAddress
              + " listens on every interface, but no peer can dial "
              + bindAddress.host()
              + ": set advertise(host, port) to the address other nodes should use");
    }
    if (advertiseAddress != null && advertiseAddress.isWildcard()) {
      throw new IllegalArgumentException(
          "advertise address " + advertiseAddress + " is a wildcard no peer can dial");
    }
    if (maxInboundPayloadSize < 64 || maxInboundPayloadSize > MAX_INBOUND_PAYLOAD_SIZE) {
      throw new IllegalArgumentException(
          "maxInboundPayloadSize must be 64 to "
              + MAX_INBOUND_PAYLOAD_SIZE
              + " bytes, got "
              + maxInboundPayloadSize);
    }
    List<String> seen = new ArrayList<>();
    for (Route r : routes) {
      int length = r.name().getBytes(StandardCharsets.UTF_8).length;
      if (length == 0 || length > MAX_ROUTE_LENGTH) {
        throw new IllegalArgumentException(
            "route must be 1 to "
                + MAX_ROUTE_LENGTH
                + " UTF-8 bytes, got "
                + length
                + " for '"
                + r.name()
                + "'");
      }
      if (r.name().startsWith(RESERVED_ROUTE_PREFIX)) {
        throw new IllegalArgumentException(
            "routes starting with '" + RESERVED_ROUTE_PREFIX + "' are the framework's own, got '"
                + r.name() + "'");
      }
      String key = r.name() + '\u0000' + r.handler().interaction();
      if (seen.contains(key)) {
        throw new IllegalArgumentException(
            "route '" + r.name() + "' has two " + r.handler().interaction() + " handlers");
      }
      seen.add(key);
    }
    NodeFactory engine = Engine.FACTORY;
    if (engine == null) {
      throw new IllegalStateException(
          "No Meshwork engine on the class path: add io.meshwork:framework-core");
    }
    NodeId nodeId = id != null ? id : NodeId.random(environment.random());
    return engine.create(
        new NodeOptions(
            nodeId,
            bindAddress,
            advertiseAddress != null ? advertiseAddress : bindAddress,
            seeds,
            transport,
            routes,
            environment,
            maxInboundPayloadSize,
            callOptions,
            metrics,
            membership,
            metadata,
            loadBalancing,
            maxConcurrentHandlers,
            maxInFlightPerPeer,
            circuitBreakers));
  }

  /**
   * Loads the engine once, the first time a node is built. A missing engine is {@code null}, not
   * an exception: one thrown from a class initializer would surface as {@code
   * ExceptionInInitializerError} and later as {@code NoClassDefFoundError}, hiding the message.
   */
  private static final class Engine {
    static final @Nullable NodeFactory FACTORY = load();

    private static @Nullable NodeFactory load() {
      Iterator<NodeFactory> found =
          ServiceLoader.load(NodeFactory.class, NodeBuilder.class.getClassLoader()).iterator();
      return found.hasNext() ? found.next() : null;
    }
  }
}
