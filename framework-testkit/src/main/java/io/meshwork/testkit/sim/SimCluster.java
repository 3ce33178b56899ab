package io.meshwork.testkit.sim;

import io.meshwork.Address;
import io.meshwork.Handlers;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipEvent;
import io.meshwork.membership.MembershipOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import io.meshwork.NodeBuilder;
import reactor.core.publisher.Mono;

/**
 * A whole cluster of real nodes on one {@link SimulatedNetwork}: each node has a scheduler of its
 * own on the network's virtual clock, so the test can crash it, restart it at its address, or
 * pause it (a GC pause) and resume it. Every membership event of every node is recorded with its
 * virtual time.
 *
 * <pre>{@code
 * SimCluster cluster = SimCluster.seeded(42, MembershipOptions.defaults());
 * cluster.start(50);                                  // node 0 is every other node's seed
 * cluster.runUntil(SimCluster::converged, Duration.ofMinutes(2));
 * cluster.node(7).crash();
 * cluster.runUntil(c -> c.allSee(cluster.node(7).id(), MemberStatus.DEAD), Duration.ofMinutes(2));
 * }</pre>
 *
 * <p>Not thread-safe: drive it from the test's thread.
 */
public final class SimCluster {

  /** One node of the cluster. */
  public final class SimNode {
    private final String name;
    private final Address address;
    private final HostScheduler host;
    private final Node node;
    private boolean crashed;

    private SimNode(String name, Address address, HostScheduler host, Node node) {
      this.name = name;
      this.address = address;
      this.host = host;
      this.node = node;
    }

    /** @return the node */
    public Node node() {
      return node;
    }

    /** @return its id */
    public NodeId id() {
      return node.id();
    }

    /** @return its address */
    public Address address() {
      return address;
    }

    /** @return whether it was crashed (and not restarted in its place) */
    public boolean isCrashed() {
      return crashed;
    }

    /** Stops it dead: its connections close, nothing of it runs again, it says nothing. */
    public void crash() {
      crashed = true;
      host.halt();
      network.crash(address);
    }

    /** Pauses it: its timers and its protocol loop wait until {@link #resume}. */
    public void pause() {
      host.pause();
      network.record("pause " + address);
    }

    /** Resumes it: what fell due meanwhile runs now, late. */
    public void resume() {
      network.record("resume " + address);
      host.resume();
    }

    /**
     * A new process at this node's address, with the same id, after a crash.
     *
     * @return the new node, started (joining through the first node)
     */
    public SimNode restart() {
      if (!crashed) {
        crash();
      }
      SimNode fresh = launch(name, address);
      nodes.set(nodes.indexOf(this), fresh);
      return fresh;
    }

    /** Leaves gracefully. */
    public void shutdown() {
      node.shutdown().subscribe();
    }

    @Override
    public String toString() {
      return name + "@" + address;
    }
  }

  private final SimulatedNetwork network;
  private final MembershipOptions options;
  private final List<SimNode> nodes = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private UnaryOperator<NodeBuilder> customizer = b -> b;
  private long eventCount;

  private SimCluster(long seed, MembershipOptions options) {
    this.network = SimulatedNetwork.seeded(seed);
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * An empty cluster on a network whose every choice comes from {@code seed}.
   *
   * @param seed the seed
   * @param options every node's membership parameters
   * @return the cluster
   */
  public static SimCluster seeded(long seed, MembershipOptions options) {
    return new SimCluster(seed, options);
  }

  /**
   * Adds configuration to every node started from now on (routes, metadata).
   *
   * @param customizer applied to each node's builder
   * @return this cluster
   */
  public SimCluster configure(UnaryOperator<NodeBuilder> customizer) {
    this.customizer = Objects.requireNonNull(customizer, "customizer");
    return this;
  }

  /** @return the network, for faults, partitions and the trace */
  public SimulatedNetwork network() {
    return network;
  }

  /** @return the membership parameters */
  public MembershipOptions options() {
    return options;
  }

  /**
   * Starts {@code n} nodes named {@code n0…}; every node but the first joins through the first.
   *
   * @param n how many
   * @return this cluster
   */
  public SimCluster start(int n) {
    for (int i = 0; i < n; i++) {
      String name = "n" + nodes.size();
      nodes.add(launch(name, Address.of(name, 7000)));
    }
    return this;
  }

  private SimNode launch(String name, Address address) {
    HostScheduler host = new HostScheduler(network.clock());
    network.attach(address, host);
    NodeBuilder b =
        Node.builder()
            .id(name)
            .bind(address)
            .transport(network)
            .environment(network.environment(host))
            .membership(options)
            .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))));
    if (!nodes.isEmpty() && !name.equals(nodes.get(0).name)) {
      b.seeds(List.of(nodes.get(0).address));
    } else if (nodes.size() > 1) {
      b.seeds(List.of(nodes.get(1).address)); // the first node, restarted, joins through the second
    }
    Node node = customizer.apply(b).build();
    node.start().subscribe(null, e -> record(name + " failed to start: " + e));
    node.membership()
        .events()
        .subscribe(e -> record(name + " " + e.type() + " " + e.member()));
    return new SimNode(name, address, host, node);
  }

  private void record(String event) {
    eventCount++;
    events.add(network.clock().now(TimeUnit.MILLISECONDS) + "ms " + event);
  }

  /**
   * Each running node's view, members not ALIVE spelled out: for failure messages.
   *
   * @return one line per node
   */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (SimNode n : running()) {
      List<Member> live = n.node.membership().members();
      b.append("\n  ").append(n.name).append(" #")
          .append(n.node.membership().self().incarnation()).append(": ")
          .append(live.size()).append(" live");
      for (SimNode o : nodes) {
        Member m = n.node.membership().member(o.id()).orElse(null);
        if (m == null) {
          b.append(", ").append(o.name).append(" unknown");
        } else if (m.status() != MemberStatus.ALIVE) {
          b.append(", ").append(m);
        }
      }
    }
    return b.toString();
  }

  /** @return the nodes, in start order (a restarted node takes its predecessor's place) */
  public List<SimNode> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * @param i the index
   * @return the node started {@code i}-th
   */
  public SimNode node(int i) {
    return nodes.get(i);
  }

  /** @return the nodes not crashed */
  public List<SimNode> running() {
    List<SimNode> up = new ArrayList<>();
    for (SimNode n : nodes) {
      if (!n.crashed) {
        up.add(n);
      }
    }
    return up;
  }

  /** @return every membership event of every node so far, with its virtual time */
  public List<String> events() {
    return List.copyOf(events);
  }

  /** @return how many membership events were recorded */
  public long eventCount() {
    return eventCount;
  }

  /** @return virtual time since the cluster was created */
  public Duration now() {
    return Duration.ofNanos(network.clock().now(TimeUnit.NANOSECONDS));
  }

  /**
   * Lets virtual time pass.
   *
   * @param duration how long
   */
  public void advance(Duration duration) {
    network.advance(duration);
  }

  /**
   * Lets virtual time pass in steps of a tenth of a period until the condition holds.
   *
   * @param condition what to wait for
   * @param limit the most virtual time to let pass
   * @return the virtual time it took
   * @throws AssertionError if it did not hold within the limit
   */
  public Duration runUntil(Predicate<SimCluster> condition, Duration limit) {
    Duration start = now();
    Duration step = options.period().dividedBy(10);
    while (!condition.test(this)) {
      if (now().minus(start).compareTo(limit) >= 0) {
        throw new AssertionError(
            "not within " + limit + " of virtual time (seed " + network.seed()
                + "; replay with -Dmeshwork.sim.seed=" + network.seed() + "); views: "
                + describe());
      }
      advance(step);
    }
    return now().minus(start);
  }

  /**
   * Whether every running node's view holds exactly the running nodes, all ALIVE.
   *
   * @return whether the cluster converged
   */
  public boolean converged() {
    List<SimNode> up = running();
    for (SimNode n : up) {
      List<Member> live = n.node.membership().members();
      if (live.size() != up.size()) {
        return false;
      }
      for (Member m : live) {
        if (m.status() != MemberStatus.ALIVE) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether every running node other than {@code about} sees it in a status.
   *
   * @param about the member
   * @param status the status
   * @return whether all do
   */
  public boolean allSee(NodeId about, MemberStatus status) {
    return allOf(running(), about, status);
  }

  /**
   * Whether each of some nodes (other than {@code about}) sees it in a status.
   *
   * @param observers the observers
   * @param about the member
   * @param status the status
   * @return whether all do
   */
  public static boolean allOf(Collection<SimNode> observers, NodeId about, MemberStatus status) {
    for (SimNode n : observers) {
      if (n.id().equals(about)) {
        continue;
      }
      Member m = n.node.membership().member(about).orElse(null);
      if (m == null || m.status() != status) {
        return false;
      }
    }
    return true;
  }

  /**
   * Counts the recorded events of one type.
   *
   * @param type the type
   * @return how many nodes recorded one
   */
  public long count(MembershipEvent.Type type) {
    String tag = " " + type + " ";
    return events.stream().filter(e -> e.contains(tag)).count();
  }

  /** Stops every node: the simulation is garbage afterwards. */
  public void stop() {
    for (SimNode n : nodes) {
      n.host.halt();
    }
  }
}
