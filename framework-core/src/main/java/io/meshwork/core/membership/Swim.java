package io.meshwork.core.membership;

import io.meshwork.Address;
import io.meshwork.Environment;
import io.meshwork.Message;
import io.meshwork.NodeBuilder;
import io.meshwork.NodeId;
import io.meshwork.core.routing.Rings;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.MeshworkException;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.Membership;
import io.meshwork.membership.MembershipEvent;
import io.meshwork.membership.MembershipOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * SWIM membership (Das, Gupta, Motivala 2002) with suspicion and incarnation numbers, for one
 * node.
 *
 * <ul>
 *   <li><b>Probes.</b> Every period one member, in randomized round-robin order, gets a PING. No
 *       ACK within the probe timeout (or a refused connection) sends a PING_REQ to {@code k}
 *       other members, which probe on our behalf. No ACK by the end of the probe's period makes
 *       the member SUSPECT. A member whose connection closes is probed at once, out of turn: a
 *       crashed process closes its connections, so its detection does not wait for its turn.
 *   <li><b>Suspicion.</b> A suspect is declared DEAD after {@link
 *       MembershipOptions#suspicionTimeout}, unless it refutes first: a member that hears it is
 *       suspected raises its incarnation and spreads ALIVE, which wins over the suspicion.
 *   <li><b>Gossip.</b> Every frame carries this node's own entry and the least-sent pending
 *       updates; every gossip interval the pending updates also go to {@code fanout} random
 *       members. Each update is sent {@link MembershipOptions#retransmitLimit} times.
 *   <li><b>Join and anti-entropy.</b> A node joins by exchanging whole views (SYNC) with its
 *       seeds, retrying with backoff until one answers. Every sync interval it exchanges views
 *       with a seed or with a member it believes dead: that is how two sides of a healed partition
 *       find each other again, each telling the other it was declared dead, so that each refutes
 *       with a higher incarnation and rejoins.
 *   <li><b>Leave.</b> A node leaving says LEFT to a few members, who spread it: others drop it at
 *       once.
 *   <li><b>Restarts.</b> A restarted node starts at incarnation 0; the first update about its
 *       previous run (in a probe, a sync, gossip) makes it raise its incarnation above it, and its
 *       new entry replaces the old one everywhere without waiting for a suspicion timeout. A node
 *       seen at the address of another live member means that member is gone: it is declared
 *       DEAD at once.
 *   <li><b>Pauses.</b> A timer that fires more than half a period late means this node was not
 *       running (a GC or VM pause): the unanswered probe is not held against its target, and the
 *       suspicions it holds get the paused time back, so a paused observer does not declare
 *       healthy members dead when it resumes.
 * </ul>
 *
 * <p>All protocol state is confined to one worker of the node's scheduler: inbound frames and
 * answers are handed to it, so no lock is taken. Readers get the view's last published snapshot.
 */
public final class Swim implements Membership {

  private static final Logger log = LoggerFactory.getLogger(Swim.class);

  /** The route every membership frame travels on. */
  public static final String ROUTE = NodeBuilder.RESERVED_ROUTE_PREFIX + "swim";

  /** How many updates one frame piggybacks at most, beside the sender's own entry. */
  static final int MAX_PIGGYBACK = 24;

  /** How many members a leaving node tells directly. */
  static final int LEAVE_FANOUT = 8;

  /** How the protocol reaches other nodes; the node provides it over its transport. */
  public interface Wire {
    /**
     * Sends a frame and awaits the answer.
     *
     * @param to where
     * @param frame the frame, on {@link #ROUTE}
     * @return the answer
     */
    Mono<Message> request(Address to, Message frame);

    /**
     * Sends a frame, no answer.
     *
     * @param to where
     * @param frame the frame
     * @return completion once written
     */
    Mono<Void> send(Address to, Message frame);

    /**
     * A member is DEAD, LEFT or restarted elsewhere: close any connection to it.
     *
     * @param id the member
     */
    void disconnect(NodeId id);
  }

  /** A probe under way: concluded one period after it started. */
  private static final class Probe {
    final long seq;
    final NodeId target;
    final long concludeAt;
    boolean acked;
    boolean indirect;

    Probe(long seq, NodeId target, long concludeAt) {
      this.seq = seq;
      this.target = target;
      this.concludeAt = concludeAt;
    }
  }

  private final MembershipOptions options;
  private final Environment env;
  private final Scheduler.Worker worker;
  private final RandomGenerator random;
  private final List<Address> seeds;
  private final Wire wire;
  private final MemberView view;
  private final GossipQueue gossip = new GossipQueue();
  private final ProbeOrder order;
  private final TreeMap<NodeId, Long> suspects = new TreeMap<>();
  private final Map<NodeId, PhiAccrualDetector> phi = new ConcurrentHashMap<>();
  private final Duration syncTimeout;
  private final Rings rings = new Rings(this::members);
  private final Map<Long, Probe> probes = new TreeMap<>();
  private long seq;
  private long nextTickDue;
  private boolean running;
  private boolean leaving;
  private volatile boolean stopped;

  /**
   * Creates the protocol of one node; nothing runs before {@link #start}.
   *
   * @param self this node's entry (address as configured; {@link #start} sets the bound one)
   * @param options the parameters
   * @param env time, randomness and the scheduler whose worker runs the protocol
   * @param seeds the addresses to join through
   * @param wire how to reach other nodes
   * @param changes told of every change to the view, on the protocol's thread (the node's
   *     metrics); it must not block
   */
  public Swim(
      Member self,
      MembershipOptions options,
      Environment env,
      List<Address> seeds,
      Wire wire,
      Consumer<MembershipEvent> changes) {
    this.options = options;
    this.env = env;
    this.worker = env.scheduler().createWorker();
    this.random = env.random();
    this.seeds = List.copyOf(seeds);
    this.wire = wire;
    this.view = new MemberView(self, changes);
    this.order = new ProbeOrder(random);
    this.syncTimeout = options.period().multipliedBy(3);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts probing and gossiping at the bound address, and joins through the seeds.
   *
   * @param bound the address this node listens at
   * @return completes after the first round of joins (answered or not); joining goes on with
   *     backoff until a seed answers
   */
  public Mono<Void> start(Address bound) {
    return this.<Mono<Void>>compute(
            () -> {
              Member s = view.self();
              view.self(new Member(s.id(), bound, s.incarnation(), MemberStatus.ALIVE,
                  s.metadata(), s.routes()));
              running = true;
              // A random phase, so that nodes started together do not probe in step.
              Duration phase =
                  Duration.ofNanos(1 + random.nextLong(options.period().toNanos()));
              nextTickDue = env.nanoTime() + phase.toNanos();
              later(this::tick, phase);
              later(this::gossipRound, options.gossipInterval());
              later(this::syncRound, options.syncInterval());
              return join(0);
            })
        .flatMap(joined -> joined);
  }

  /**
   * Leaves gracefully: tells up to {@value #LEAVE_FANOUT} members that this node LEFT, so that the
   * cluster drops it at once, and stops probing.
   *
   * @return completes once told (or after the probe timeout)
   */
  public Mono<Void> leave() {
    Sinks.Empty<Void> told = Sinks.empty();
    boolean scheduled =
        onLoop(
            () -> {
              if (!running || leaving) {
                told.tryEmitEmpty();
                return;
              }
              leaving = true;
              Member left = view.self().with(MemberStatus.LEFT);
              view.self(left);
              Message frame = frame(SwimFrame.gossip(List.of(left)));
              List<Member> targets = pick(view.liveOthers(), LEAVE_FANOUT, null);
              AtomicInteger pending = new AtomicInteger(targets.size());
              if (targets.isEmpty()) {
                told.tryEmitEmpty();
              }
              for (Member m : targets) {
                wire.send(m.address(), frame)
                    .subscribe(
                        null,
                        e -> countDown(pending, told),
                        () -> countDown(pending, told));
              }
              later(told::tryEmitEmpty, options.probeTimeout()); // no longer than this
            });
    if (!scheduled) {
      told.tryEmitEmpty();
    }
    return told.asMono();
  }

  private static void countDown(AtomicInteger pending, Sinks.Empty<Void> done) {
    if (pending.decrementAndGet() == 0) {
      done.tryEmitEmpty();
    }
  }

  /** Stops every timer and completes every subscriber's events. */
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true; // refuse new tasks: their callers complete or fail at once
    try {
      worker.schedule( // after every task queued before: they still run
          () -> {
            running = false;
            view.close();
            worker.dispose();
          });
    } catch (RejectedExecutionException e) {
      // already gone
    }
  }

  // ---------------------------------------------------------------- Membership

  @Override
  public Member self() {
    return view.snapshot().self();
  }

  @Override
  public List<Member> members() {
    return view.snapshot().live();
  }

  /**
   * How many members of the view, this node included, are in {@code status} now; any thread.
   *
   * @param status the status
   * @return the count
   */
  public int count(MemberStatus status) {
    return view.count(status);
  }

  @Override
  public Optional<Member> member(NodeId id) {
    return Optional.ofNullable(view.snapshot().all().get(id));
  }

  @Override
  public Flux<MembershipEvent> events() {
    return Flux.create(
        sink -> {
          boolean scheduled =
              onLoop(
                  () -> {
                    if (stopped) {
                      sink.complete();
                      return;
                    }
                    view.subscribe(sink, env.nanoTime());
                    sink.onDispose(() -> onLoop(() -> view.unsubscribe(sink)));
                  });
          if (!scheduled) {
            sink.complete();
          }
        },
        FluxSink.OverflowStrategy.BUFFER);
  }

  @Override
  public double suspicion(NodeId id) {
    PhiAccrualDetector d = phi.get(id);
    return d == null ? 0 : d.phi(env.nanoTime());
  }

  @Override
  public Mono<Void> updateMetadata(Map<String, String> metadata) {
    Map<String, String> copy = Map.copyOf(metadata);
    try {
      SwimCodec.checkMetadata(copy);
    } catch (IllegalArgumentException e) {
      return Mono.error(e);
    }
    return this.<Void>compute(
            () -> {
              Member s = view.self();
              Member next =
                  new Member(s.id(), s.address(), s.incarnation() + 1, s.status(), copy, s.routes());
              view.self(next);
              gossip.add(next);
              return null;
            })
        .then();
  }

  @Override
  public List<Member> owners(@Nullable String route, String key, int replicas) {
    MemberView.Snapshot snapshot = view.snapshot(); // ring and members from one view
    List<Member> owners = new ArrayList<>(replicas);
    for (NodeId id : rings.ring(route, snapshot.live()).owners(key, replicas)) {
      owners.add(snapshot.all().get(id));
    }
    return owners;
  }

  /**
   * The live members serving a route, this node included, sorted by id.
   *
   * @param route the route
   * @return the providers
   */
  public List<Member> serving(String route) {
    List<Member> providers = new ArrayList<>();
    for (Member m : view.snapshot().live()) {
      if (m.serves(route)) {
        providers.add(m);
      }
    }
    return providers;
  }

  /**
   * Where a member listens, as far as this node knows (in any state).
   *
   * @param id the member
   * @return its address, or {@code null}
   */
  public @Nullable Address addressOf(NodeId id) {
    Member m = view.snapshot().all().get(id);
    return m == null ? null : m.address();
  }

  // ---------------------------------------------------------------- inbound

  /**
   * A frame that expects an answer (PING, PING_REQ, SYNC) arrived.
   *
   * @param message the frame
   * @return the answer
   */
  public Mono<Message> request(Message message) {
    SwimFrame f;
    try {
      f = SwimCodec.decode(message.payload());
    } catch (InvalidRequestException e) {
      return Mono.error(e);
    }
    return Mono.<Message>create(
            sink -> {
              if (!onLoop(() -> answer(f, sink::success))) {
                sink.error(new InvalidRequestException("node is stopping"));
              }
            });
  }

  /**
   * A frame that expects no answer (GOSSIP) arrived.
   *
   * @param message the frame
   */
  public void fireAndForget(Message message) {
    SwimFrame f;
    try {
      f = SwimCodec.decode(message.payload());
    } catch (InvalidRequestException e) {
      log.warn("Node {} dropped a malformed membership frame from {}: {}",
          view.self().id(), message.sender(), e.getMessage());
      return;
    }
    onLoop(() -> mergeAll(f.members()));
  }

  private void answer(SwimFrame f, Consumer<Message> reply) {
    Member target = f.target();
    if (target != null
        && (f.kind() == SwimFrame.Kind.PING_REQ || target.id().equals(view.self().id()))) {
      // the prober's belief about us (refute it if need be), or news of whom to probe; a ping
      // meant for a node that listened here before is not news of that node
      merge(target);
    }
    mergeAll(f.members());
    switch (f.kind()) {
      case PING -> reply.accept(frame(SwimFrame.ack(f.seq(), f.isFor(view.self().id()), piggyback())));
      case SYNC -> reply.accept(frame(SwimFrame.sync(fullView())));
      case PING_REQ -> probeFor(f, reply);
      default -> reply.accept(frame(SwimFrame.ack(f.seq(), false, piggyback())));
    }
  }

  /** Probes a member on another's behalf and answers whether it answered. */
  private void probeFor(SwimFrame f, Consumer<Message> reply) {
    Member target = f.target();
    if (target == null || !running) {
      reply.accept(frame(SwimFrame.ack(f.seq(), false, piggyback())));
      return;
    }
    ping(++seq, target)
        .subscribe(
            acked -> reply.accept(frame(SwimFrame.ack(f.seq(), acked, piggyback()))),
            e -> {}); // stopped meanwhile
  }

  /**
   * Pings a member and merges what its answer carries. Completes on the protocol loop: true if
   * the member answered as itself, false on a refusal, a timeout, or another node answering.
   */
  private Mono<Boolean> ping(long s, Member target) {
    Sinks.One<Boolean> acked = Sinks.one();
    call(
        target.address(),
        frame(SwimFrame.ping(s, target, piggyback())),
        options.probeTimeout(),
        r -> {
          SwimFrame ack = r == null ? null : decodeQuietly(r);
          if (ack != null) {
            mergeAll(ack.members());
            if (ack.acked()) {
              heartbeat(target.id());
            }
          }
          acked.tryEmitValue(ack != null && ack.acked());
        });
    return acked.asMono();
  }

  /**
   * Sends a request and hands its answer — or {@code null} after {@code timeout}, a failure or a
   * refusal — to {@code outcome} on the protocol loop, exactly once. The timeout is a loop timer
   * that is never cancelled (a late one finds the call settled): cancelling a scheduled task
   * from a transport thread would contend on the scheduler's queue lock.
   */
  private void call(
      Address to, Message frame, Duration timeout, Consumer<@Nullable Message> outcome) {
    call(to, frame, timeout, outcome, why -> {});
  }

  /** As above; {@code failed} is told why first, when {@code outcome} gets {@code null}. */
  private void call(
      Address to,
      Message frame,
      Duration timeout,
      Consumer<@Nullable Message> outcome,
      Consumer<String> failed) {
    AtomicBoolean settled = new AtomicBoolean();
    Disposable.Swap request = Disposables.swap();
    request.update(
        wire.request(to, frame)
            .subscribe(
                r -> {
                  if (settled.compareAndSet(false, true)) {
                    onLoop(() -> outcome.accept(r));
                  }
                },
                e -> {
                  if (settled.compareAndSet(false, true)) {
                    onLoop(
                        () -> {
                          failed.accept(
                              e instanceof MeshworkException ? e.getMessage() : e.toString());
                          outcome.accept(null);
                        });
                  }
                }));
    later(
        () -> {
          if (settled.compareAndSet(false, true)) {
            request.dispose(); // gives up on the answer; no scheduled task to remove
            failed.accept("no answer within " + timeout.toMillis() + " ms");
            outcome.accept(null);
          }
        },
        timeout);
  }

  // ---------------------------------------------------------------- probing

  private void tick() {
    if (!running || leaving) {
      return;
    }
    long now = env.nanoTime();
    long lag = now - nextTickDue;
    if (lag > options.period().toNanos() / 2) {
      // We did not run for a while: the suspicions we hold did not get the time they were due.
      log.warn("Node {} was paused for {} ms: not holding its own pause against others",
          view.self().id(), TimeUnit.NANOSECONDS.toMillis(lag));
      suspects.replaceAll((id, deadline) -> deadline + lag);
    }
    expire(now);
    List<Member> live = view.liveOthers();
    List<NodeId> ids = new ArrayList<>(live.size());
    for (Member m : live) {
      ids.add(m.id());
    }
    NodeId next = order.next(ids);
    if (next != null) {
      Member target = view.get(next);
      if (target != null) {
        probe(target);
      }
    }
    nextTickDue = now + options.period().toNanos();
    later(this::tick, options.period());
  }

  /**
   * The connection to a member closed: probe it now rather than at its turn. A crashed process
   * closes its connections at once, so this is most of a crash's detection; a member that is
   * merely slow or cut off (no close) waits for its turn.
   *
   * @param id the member
   */
  public void connectionLost(NodeId id) {
    onLoop(
        () -> {
          Member m = view.get(id);
          if (running && !leaving && m != null && m.status() == MemberStatus.ALIVE
              && !probing(id)) {
            probe(m);
          }
        });
  }

  private boolean probing(NodeId id) {
    for (Probe p : probes.values()) {
      if (p.target.equals(id)) {
        return true;
      }
    }
    return false;
  }

  private void probe(Member target) {
    long s = ++seq;
    long period = options.period().toNanos();
    probes.put(s, new Probe(s, target.id(), env.nanoTime() + period));
    later(() -> conclude(s), options.period());
    ping(s, target)
        .subscribe(
            acked -> {
              if (acked) {
                acked(s);
              } else {
                indirect(s);
              }
            },
            e -> {}); // stopped meanwhile
  }

  /** A probe's period is over: no answer, direct or indirect, makes its target SUSPECT. */
  private void conclude(long s) {
    Probe p = probes.remove(s);
    if (p == null || p.acked || !running || leaving) {
      return;
    }
    long late = env.nanoTime() - p.concludeAt;
    if (late > options.period().toNanos() / 2) {
      return; // we were paused: the missing answer may be our own fault, not the target's
    }
    suspect(p.target);
  }

  private void acked(long s) {
    Probe p = probes.get(s);
    if (p != null) {
      p.acked = true;
    }
  }

  /** The direct probe failed: ask {@code k} others to probe the target. */
  private void indirect(long s) {
    Probe p = probes.get(s);
    if (p == null || p.acked || p.indirect || !running) {
      return;
    }
    p.indirect = true;
    Member target = view.get(p.target);
    if (target == null) {
      return;
    }
    Duration remaining = options.period().minus(options.probeTimeout());
    for (Member helper : pick(view.liveOthers(), options.indirectProbes(), p.target)) {
      call(
          helper.address(),
          frame(SwimFrame.pingReq(s, target, piggyback())),
          remaining,
          r -> {
            SwimFrame ack = r == null ? null : decodeQuietly(r);
            if (ack != null) {
              mergeAll(ack.members());
              if (ack.acked()) {
                acked(s);
              }
            }
          });
    }
  }

  private void heartbeat(NodeId id) {
    long period = options.period().toNanos();
    long expected = period * Math.max(1, view.liveCount() - 1); // round robin: once per round
    phi.computeIfAbsent(id, k -> new PhiAccrualDetector(100, period / 2, expected))
        .heartbeat(env.nanoTime());
  }

  private void suspect(NodeId id) {
    Member m = view.get(id);
    if (m != null && m.status() == MemberStatus.ALIVE) {
      log.debug("Node {} suspects {}", view.self().id(), m);
      merge(m.with(MemberStatus.SUSPECT));
    }
  }

  /** Suspects whose time ran out are DEAD; tombstones past their retention are forgotten. */
  private void expire(long now) {
    List<NodeId> due = new ArrayList<>();
    for (Map.Entry<NodeId, Long> e : suspects.entrySet()) {
      if (e.getValue() - now <= 0) {
        due.add(e.getKey());
      }
    }
    for (NodeId id : due) {
      Member m = view.get(id);
      suspects.remove(id);
      if (m != null && m.status() == MemberStatus.SUSPECT) {
        log.info("Node {} declares {} DEAD: it did not refute its suspicion", view.self().id(), m);
        merge(m.with(MemberStatus.DEAD));
      }
    }
    long retention = options.tombstoneRetention().toNanos();
    List<NodeId> forgotten = new ArrayList<>();
    for (Member m : view.others()) {
      if (!m.isLive() && now - view.since(m.id()) >= retention) {
        forgotten.add(m.id());
      }
    }
    forgotten.forEach(view::remove);
  }

  // ---------------------------------------------------------------- updates

  private void mergeAll(List<Member> updates) {
    for (Member u : updates) {
      merge(u);
    }
  }

  /** Applies an update if it wins over the view's entry, and spreads it. */
  private void merge(Member u) {
    Member self = view.self();
    if (u.id().equals(self.id())) {
      if (running && !leaving && UpdateRules.mustRefute(u, self)) {
        Member refuted =
            self.at(UpdateRules.refutingIncarnation(u, self.incarnation()), MemberStatus.ALIVE);
        log.debug("Node {} refutes {} with incarnation {}", self.id(), u, refuted.incarnation());
        view.self(refuted);
        gossip.add(refuted);
      }
      return;
    }
    Member current = view.get(u.id());
    if (!UpdateRules.supersedes(u, current)) {
      return;
    }
    long now = env.nanoTime();
    view.put(u, now);
    gossip.add(u);
    switch (u.status()) {
      case ALIVE -> {
        suspects.remove(u.id());
        if (current == null || !current.isLive()) {
          order.joined(u.id());
          log.info("Node {} sees {} join", self.id(), u);
        }
        if (current != null && !current.address().equals(u.address())) {
          wire.disconnect(u.id()); // restarted elsewhere: no call may reach the old process
        }
        evictCollisions(u);
      }
      case SUSPECT -> suspects.put(u.id(), now + options.suspicionTimeout(view.liveCount()).toNanos());
      case DEAD, LEFT -> {
        suspects.remove(u.id());
        phi.remove(u.id());
        if (current != null && current.isLive()) {
          log.info("Node {} sees {} {}", self.id(), u, u.status() == MemberStatus.LEFT ? "leave" : "die");
        }
        wire.disconnect(u.id());
      }
      default -> throw new IllegalStateException("unknown status " + u.status());
    }
  }

  /** Two live nodes cannot listen at one address: one seen there means the other is gone. */
  private void evictCollisions(Member alive) {
    if (alive.address().isWildcard()) {
      return; // not a real address: it says nothing about who else is where
    }
    List<Member> gone = new ArrayList<>();
    for (Member m : view.others()) {
      if (m.isLive() && !m.id().equals(alive.id()) && m.address().equals(alive.address())) {
        gone.add(m);
      }
    }
    for (Member m : gone) {
      log.info("Node {}: {} now listens where {} did; {} is gone", view.self().id(),
          alive.id(), m.id(), m.id());
      merge(m.with(MemberStatus.DEAD));
    }
  }

  /** This node's entry, then the least-sent pending updates. */
  private List<Member> piggyback() {
    List<Member> updates = gossip.take(MAX_PIGGYBACK, options.retransmitLimit(view.liveCount()));
    List<Member> all = new ArrayList<>(updates.size() + 1);
    all.add(view.self());
    all.addAll(updates);
    return all;
  }

  private List<Member> fullView() {
    List<Member> all = new ArrayList<>(view.others());
    all.add(view.self());
    return all;
  }

  // ---------------------------------------------------------------- gossip and sync

  private void gossipRound() {
    if (!running || leaving) {
      return;
    }
    if (!gossip.isEmpty()) {
      for (Member m : pick(view.liveOthers(), options.gossipFanout(), null)) {
        wire.send(m.address(), frame(SwimFrame.gossip(piggyback())))
            .subscribe(null, e -> log.debug("gossip to {} failed: {}", m.id(), e.toString()));
      }
    }
    later(this::gossipRound, options.gossipInterval());
  }

  /** Anti-entropy: a whole-view exchange with a seed or a member believed dead. */
  private void syncRound() {
    if (!running || leaving) {
      return;
    }
    Address own = view.self().address();
    List<Address> candidates = new ArrayList<>();
    for (Address s : seeds) {
      if (!s.equals(own)) {
        candidates.add(s);
      }
    }
    for (Member m : view.others()) {
      if (m.status() == MemberStatus.DEAD) {
        candidates.add(m.address());
      }
    }
    if (candidates.isEmpty()) {
      for (Member m : view.liveOthers()) {
        candidates.add(m.address());
      }
    }
    if (!candidates.isEmpty()) {
      sync(candidates.get(random.nextInt(candidates.size())), new HashMap<>()).subscribe();
    }
    later(this::syncRound, options.syncInterval());
  }

  /**
   * Pushes this node's whole view to an address and merges the view it answers with. Completes
   * on the protocol loop: true if merged; false otherwise, with the reason put in {@code failures}
   * (touched on the loop only).
   */
  private Mono<Boolean> sync(Address to, Map<Address, String> failures) {
    Sinks.One<Boolean> merged = Sinks.one();
    if (!onLoop(
        () ->
            call(
                to,
                frame(SwimFrame.sync(fullView())),
                syncTimeout,
                r -> {
                  SwimFrame f = r == null ? null : decodeQuietly(r);
                  if (f == null || f.kind() != SwimFrame.Kind.SYNC) {
                    failures.putIfAbsent(to, "not a sync answer");
                    log.debug("Node {}: no sync with {}", view.self().id(), to);
                    merged.tryEmitValue(false);
                    return;
                  }
                  mergeAll(f.members());
                  merged.tryEmitValue(true);
                },
                why -> failures.put(to, why)))) {
      merged.tryEmitValue(false);
    }
    return merged.asMono();
  }

  /** One round of joins through every seed; if none answered, another after a backoff. */
  private Mono<Void> join(int attempt) {
    Address own = view.self().address();
    List<Address> targets = new ArrayList<>();
    for (Address s : seeds) {
      if (!s.equals(own)) {
        targets.add(s);
      }
    }
    if (targets.isEmpty()) {
      return Mono.empty();
    }
    Map<Address, String> failures = new LinkedHashMap<>();
    return Flux.fromIterable(targets)
        .flatMap(to -> sync(to, failures))
        .reduce(false, (a, b) -> a || b)
        .doOnNext(
            joined -> {
              if (!joined && !stopped && !leaving) {
                Duration backoff = joinBackoff(attempt);
                log.warn("Node {} reached none of its seeds {}; trying again in {} ms",
                    view.self().id(), failures.isEmpty() ? targets : failures, backoff.toMillis());
                onLoop(() -> later(() -> join(attempt + 1).subscribe(), backoff));
              } else if (joined && attempt > 0) {
                log.info("Node {} joined through its seeds", view.self().id());
              }
            })
        .then();
  }

  /** period × 2^attempt, at most 30 s, with ±25 % jitter so restarted nodes do not rejoin in step. */
  private Duration joinBackoff(int attempt) {
    long base = options.period().toMillis() << Math.min(attempt, 10);
    long capped = Math.min(base, 30_000);
    long jitter = capped / 4;
    return Duration.ofMillis(capped - jitter + (jitter == 0 ? 0 : random.nextLong(2 * jitter + 1)));
  }

  // ---------------------------------------------------------------- plumbing

  /** Up to {@code count} random members of {@code from}, without {@code except}. */
  private List<Member> pick(List<Member> from, int count, @Nullable NodeId except) {
    List<Member> pool = new ArrayList<>(from.size());
    for (Member m : from) {
      if (except == null || !m.id().equals(except)) {
        pool.add(m);
      }
    }
    int n = Math.min(count, pool.size());
    for (int i = 0; i < n; i++) { // partial Fisher-Yates from the seeded source
      int j = i + random.nextInt(pool.size() - i);
      Member t = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, t);
    }
    return pool.subList(0, n);
  }

  private static Message frame(SwimFrame f) {
    return Message.of(ROUTE, SwimCodec.encode(f));
  }

  private @Nullable SwimFrame decodeQuietly(Message m) {
    try {
      return SwimCodec.decode(m.payload());
    } catch (InvalidRequestException e) {
      log.warn("Node {} got a malformed membership answer from {}: {}",
          view.self().id(), m.sender(), e.getMessage());
      return null;
    }
  }

  private void later(Runnable task, Duration delay) {
    if (stopped) {
      return;
    }
    try {
      worker.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // stopped meanwhile
    }
  }

  /** Runs a task on the protocol's worker; false if the protocol has stopped. */
  private boolean onLoop(Runnable task) {
    if (stopped) {
      return false;
    }
    try {
      worker.schedule(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.error("Node {}: membership task failed", view.self().id(), e);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** A value computed on the protocol's worker. */
  private <T> Mono<T> compute(Supplier<@Nullable T> task) {
    return Mono.create(
        sink -> {
          boolean scheduled =
              onLoop(
                  () -> {
                    try {
                      sink.success(task.get());
                    } catch (RuntimeException e) {
                      sink.error(e);
                    }
                  });
          if (!scheduled) {
            sink.error(new IllegalStateException("membership of " + view.self().id() + " stopped"));
          }
        });
  }

  /**
   * This node's initial entry.
   *
   * @param id the node's id
   * @param address where it will listen
   * @param metadata what it advertises
   * @param routes the routes it serves
   * @return the entry, ALIVE at incarnation 0
   */
  public static Member initial(
      NodeId id, Address address, Map<String, String> metadata, Set<String> routes) {
    return new Member(id, address, 0, MemberStatus.ALIVE, metadata, routes);
  }
}
