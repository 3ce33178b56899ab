package io.meshwork.testkit.sim;

import io.meshwork.Address;
import io.meshwork.Environment;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.Transport;
import io.meshwork.transport.TransportBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A network that is a program: a {@link Transport} whose every delivery is a task on one virtual
 * clock, its fate (lost, delayed, duplicated) drawn from a seed, and faults injected by the test.
 *
 * <pre>{@code
 * SimulatedNetwork net = SimulatedNetwork.seeded(42).faults(Faults.lossy(0.1));
 * Node a = Node.builder().transport(net).environment(net.environment()).bind("a", 1).build();
 * Node b = Node.builder().transport(net).environment(net.environment()).bind("b", 1).build();
 * a.start().toFuture(); b.start().toFuture();       // binding needs no time
 * CompletableFuture<Message> reply = a.request(Target.address(b.address()), msg).toFuture();
 * net.advance(Duration.ofSeconds(1));               // deliveries, timeouts and retries happen here
 * net.partition(List.of(a.address()), List.of(b.address()));
 * long hash = net.traceHash();                      // the same seed gives the same hash
 * }</pre>
 *
 * <p>Streams and channels: the opening request crosses the network (and may be lost); their
 * elements then flow without further faults, in order, as over one TCP connection. Not
 * thread-safe: drive it from one thread, which also runs every handler as the clock advances.
 */
public final class SimulatedNetwork implements Transport {

  private final long seed;
  private final SplittableRandom random;
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final Map<Address, SimBinding> bound = new LinkedHashMap<>();
  private final Set<Link> blocked = new LinkedHashSet<>();
  private final List<String> trace = new ArrayList<>();
  private Faults faults = Faults.none();
  private long sent;
  private final Map<Address, Long> slowness = new LinkedHashMap<>();
  private final Map<Link, Faults> linkFaults = new LinkedHashMap<>();
  private final Map<Address, HostScheduler> hosts = new LinkedHashMap<>();
  private long hash = 0xcbf29ce484222325L; // FNV-1a offset basis

  /** How many events {@link #trace()} keeps; {@link #traceHash()} covers them all. */
  public static final int TRACE_KEPT = 100_000;

  private SimulatedNetwork(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /**
   * A network whose every random choice comes from {@code seed}.
   *
   * @param seed the seed
   * @return the network
   */
  public static SimulatedNetwork seeded(long seed) {
    return new SimulatedNetwork(seed);
  }

  /**
   * The seed this network replays.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Sets what the network does to messages from now on.
   *
   * @param faults the faults
   * @return this network
   */
  public SimulatedNetwork faults(Faults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
    return this;
  }

  /**
   * An environment for one node: this network's clock, and a random source split from its seed
   * (call it once per node, in the same order, for the same run).
   *
   * @return the environment
   */
  public Environment environment() {
    return Environment.of(clock, random.split());
  }

  /**
   * An environment for one node on a scheduler of its own that runs on this network's clock (as
   * {@link SimCluster} gives each node, to pause or halt it), with a random source split from the
   * seed.
   *
   * @param scheduler the node's scheduler, driven by {@link #clock()}
   * @return the environment
   */
  Environment environment(Scheduler scheduler) {
    return Environment.of(scheduler, random.split());
  }

  /**
   * How many messages nodes have put on the network so far (lost or delivered): the protocol's
   * message rate, for tests that bound it.
   *
   * @return the count
   */
  public long sent() {
    return sent;
  }

  /**
   * The virtual clock every node and delivery runs on.
   *
   * @return the clock
   */
  public VirtualTimeScheduler clock() {
    return clock;
  }

  /**
   * Lets virtual time pass, running every delivery, timer and handler due meanwhile.
   *
   * @param duration how long
   */
  public void advance(Duration duration) {
    clock.advanceTimeBy(duration);
  }

  /**
   * Cuts both directions between two groups of nodes.
   *
   * @param side one group
   * @param other the other
   */
  public void partition(Collection<Address> side, Collection<Address> other) {
    for (Address a : side) {
      for (Address b : other) {
        block(a, b);
        block(b, a);
      }
    }
  }

  /**
   * Cuts one direction: messages from {@code from} to {@code to} are lost.
   *
   * @param from the sender
   * @param to the receiver
   */
  public void block(Address from, Address to) {
    blocked.add(new Link(from, to));
    record("block " + from + ">" + to);
  }

  /**
   * Sets what the network does to messages on one link, one direction, overriding {@link
   * #faults(Faults)} there ({@code null} returns the link to the network's faults).
   *
   * @param from the sender
   * @param to the receiver
   * @param link the link's faults, or {@code null}
   * @return this network
   */
  public SimulatedNetwork faults(Address from, Address to, @Nullable Faults link) {
    if (link == null) {
      linkFaults.remove(new Link(from, to));
    } else {
      linkFaults.put(new Link(from, to), link);
    }
    record("faults " + from + ">" + to + " " + link);
    return this;
  }

  /**
   * Makes a node slow: every message to or from it takes {@code extra} longer (on top of the
   * drawn delay). {@link Duration#ZERO} makes it normal again.
   *
   * @param address the node
   * @param extra the added delay each way
   */
  public void slow(Address address, Duration extra) {
    if (extra.isZero()) {
      slowness.remove(address);
    } else {
      slowness.put(address, extra.toNanos());
    }
    record("slow " + address + " +" + extra.toMillis() + "ms");
  }

  /** Restores every cut link. */
  public void heal() {
    blocked.clear();
    record("heal");
  }

  /**
   * Crashes the node at an address: its connections close and messages to it are lost. A new node
   * may bind the address afterwards (a restart).
   *
   * @param address the node's address
   */
  public void crash(Address address) {
    SimBinding b = bound.get(address);
    if (b != null) {
      record("crash " + address);
      b.dispose();
    }
  }

  /**
   * The first {@value #TRACE_KEPT} events: bindings, sends, losses, deliveries, faults, with
   * their virtual time.
   *
   * @return the events, oldest first
   */
  public List<String> trace() {
    return List.copyOf(trace);
  }

  /**
   * A 64-bit hash of the trace: equal for two runs of one seed, or the simulation is not
   * deterministic.
   *
   * @return the hash
   */
  public long traceHash() {
    return hash;
  }

  @Override
  public Mono<TransportBinding> bind(PeerInfo local, Responder responder) {
    return Mono.fromCallable(
        () -> {
          Address address = local.address();
          if (address.port() == 0) {
            int port = 1;
            while (bound.containsKey(Address.of(address.host(), port))) {
              port++;
            }
            address = Address.of(address.host(), port);
          }
          if (bound.containsKey(address)) {
            throw new IllegalStateException("Simulated address already in use: " + address);
          }
          SimBinding b =
              new SimBinding(
                  this,
                  new PeerInfo(local.id(), address, local.maxInboundPayloadSize()),
                  responder);
          bound.put(address, b);
          record("bind " + local.id() + " " + address);
          return (TransportBinding) b;
        });
  }

  /** Deliveries to {@code address} run on its host, so that pausing the host holds them. */
  void attach(Address address, HostScheduler host) {
    hosts.put(address, host);
  }

  @Nullable SimBinding lookup(Address address) {
    return bound.get(address);
  }

  void unbind(SimBinding binding) {
    bound.remove(binding.local().address(), binding);
  }

  boolean reachable(Address from, Address to) {
    return (blocked.isEmpty() || !blocked.contains(new Link(from, to))) && bound.containsKey(to);
  }

  /**
   * Sends one message across the network: it is lost (partition, crash, or the loss draw), or
   * runs {@code delivery} after a drawn delay, once or — if {@code duplicable} and drawn — twice.
   */
  void send(Address from, Address to, String what, Runnable delivery, boolean duplicable) {
    sent++;
    if (!reachable(from, to)) {
      record("cut " + what + " " + from + ">" + to);
      return;
    }
    Faults faults =
        linkFaults.isEmpty() ? this.faults : linkFaults.getOrDefault(new Link(from, to), this.faults);
    if (random.nextDouble() < faults.loss()) {
      record("lost " + what + " " + from + ">" + to);
      return;
    }
    int copies = duplicable && random.nextDouble() < faults.duplication() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay =
          drawDelayNanos(faults) + slowness.getOrDefault(to, 0L) + slowness.getOrDefault(from, 0L);
      clock.schedule(
          () -> {
            if (reachable(from, to)) {
              record("deliver " + what + " " + from + ">" + to);
              HostScheduler host = hosts.get(to);
              if (host == null) {
                delivery.run();
              } else {
                host.schedule(delivery); // a paused host reads it only when it resumes
              }
            } else {
              record("cut " + what + " " + from + ">" + to);
            }
          },
          delay,
          TimeUnit.NANOSECONDS);
    }
  }

  /** A delay drawn to the microsecond, so deliveries due close together land in seeded order. */
  private long drawDelayNanos(Faults faults) {
    long min = faults.minDelay().toNanos() / 1000;
    long max = faults.maxDelay().toNanos() / 1000;
    long micros = max > min ? random.nextLong(min, max + 1) : min;
    return micros * 1000;
  }

  void record(String event) {
    String line = clock.now(TimeUnit.MICROSECONDS) + "us " + event;
    for (int i = 0; i < line.length(); i++) { // FNV-1a, over every event however many are kept
      hash ^= line.charAt(i);
      hash *= 0x100000001b3L;
    }
    hash ^= '\n';
    hash *= 0x100000001b3L;
    if (trace.size() < TRACE_KEPT) {
      trace.add(line);
    }
  }

  /** One direction of one link: the key of {@link #block} and of per-link faults. */
  private record Link(Address from, Address to) {}
}
