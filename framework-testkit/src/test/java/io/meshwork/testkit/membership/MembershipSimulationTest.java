package io.meshwork.testkit.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Target;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipEvent;
import io.meshwork.membership.MembershipOptions;
import io.meshwork.testkit.sim.Faults;
import io.meshwork.testkit.sim.SimCluster;
import io.meshwork.testkit.sim.SimCluster.SimNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

/**
 * SWIM membership on the simulated network: real nodes, one virtual clock, seeded faults. Each
 * scenario sweeps seeds; a failure names its seed, and {@code -Dmeshwork.sim.seed=N} replays
 * just that one. {@code -Dmeshwork.sim.scale=K} multiplies every sweep, and {@code
 * -Dmeshwork.sim.detection.runs=100} sets the detection sweep per cluster size (the issue's
 * report).
 */
@DisplayName("Membership on the simulated network")
class MembershipSimulationTest {

  private static final MembershipOptions OPTIONS = MembershipOptions.defaults();
  private static final Long ONLY_SEED = Long.getLong("meshwork.sim.seed");
  private static final int SCALE = Integer.getInteger("meshwork.sim.scale", 1);
  private static final Duration MINUTES = Duration.ofMinutes(10);

  /** The seeds a scenario sweeps: just the one asked for, or {@code count × scale} of them. */
  private static long[] seeds(int count) {
    if (ONLY_SEED != null) {
      return new long[] {ONLY_SEED};
    }
    long[] seeds = new long[count * SCALE];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = 1000L + i;
    }
    return seeds;
  }

  /** Runs one seed of a scenario; a failure says which seed, and how to replay it. */
  private static void run(long seed, Runnable scenario) {
    try {
      scenario.run();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "seed " + seed + " failed; replay with -Dmeshwork.sim.seed=" + seed + ": " + e, e);
    }
  }

  private static SimCluster converged(long seed, int n, MembershipOptions options) {
    SimCluster c = SimCluster.seeded(seed, options).start(n);
    c.runUntil(SimCluster::converged, MINUTES);
    return c;
  }

  private static long periods(Duration d) {
    return d.toMillis() / OPTIONS.period().toMillis();
  }

  // ------------------------------------------------------------------ convergence

  @ParameterizedTest(name = "n = {0}")
  @CsvSource({"5, 50", "50, 10", "200, 1"})
  @DisplayName("nodes joining through one seed converge to the full view")
  void convergence(int n, int runs) {
    DetectionReport took = new DetectionReport();
    for (long seed : seeds(runs)) {
      run(seed, () -> {
        SimCluster c = SimCluster.seeded(seed, OPTIONS).start(n);
        took.add(c.runUntil(SimCluster::converged, MINUTES));
        c.stop();
      });
    }
    System.out.printf("convergence n=%d: %s (period %d ms)%n", n, took, OPTIONS.period().toMillis());
    assertThat(Duration.ofMillis(took.max())).isLessThan(OPTIONS.syncInterval());
  }

  @Test
  @DisplayName("one seed replays the same run, event for event")
  void determinism() {
    long seed = ONLY_SEED != null ? ONLY_SEED : 77;
    List<List<String>> events = new ArrayList<>();
    List<Long> hashes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      SimCluster c = SimCluster.seeded(seed, OPTIONS).start(20);
      c.network().faults(Faults.lossy(0.05).delay(Duration.ofMillis(1), Duration.ofMillis(20)));
      c.advance(Duration.ofSeconds(5));
      c.node(7).crash();
      c.advance(Duration.ofSeconds(40));
      events.add(c.events());
      hashes.add(c.network().traceHash());
      c.stop();
    }
    assertThat(events.get(0)).hasSizeGreaterThan(20 * 20).isEqualTo(events.get(1));
    assertThat(hashes.get(0)).isEqualTo(hashes.get(1));
  }

  // ------------------------------------------------------------------ failure detection

  @ParameterizedTest(name = "n = {0}")
  @CsvSource({"5, 50", "50, 20", "200, 2"})
  @DisplayName("a crashed member is declared DEAD by every live member within the bound")
  void detection(int n, int runs) {
    DetectionReport detected = new DetectionReport();
    DetectionReport first = new DetectionReport();
    for (long seed : seeds(Integer.getInteger("meshwork.sim.detection.runs", runs) / SCALE)) {
      run(seed, () -> {
        SimCluster c = converged(seed, n, OPTIONS);
        SimNode victim = c.node(1 + new SplittableRandom(seed).nextInt(n - 1));
        victim.crash();
        Duration[] firstSuspicion = {null};
        Duration took =
            c.runUntil(
                x -> {
                  if (firstSuspicion[0] == null && x.count(MembershipEvent.Type.SUSPECTED) > 0) {
                    firstSuspicion[0] = x.now();
                  }
                  return x.allSee(victim.id(), MemberStatus.DEAD);
                },
                MINUTES);
        detected.add(took);
        first.add(firstSuspicion[0]);
        assertThat(took)
            .as("detection of %s in a cluster of %d", victim, n)
            .isLessThanOrEqualTo(OPTIONS.detectionBound(n));
        // no one else was declared dead on the way
        assertThat(c.count(MembershipEvent.Type.DEAD)).isEqualTo(n - 1);
        c.stop();
      });
    }
    System.out.printf(
        "detection n=%d: all DEAD %s; first suspicion %s; bound %d ms (T + t + s*log*T + log*g)%n",
        n, detected, first, OPTIONS.detectionBound(n).toMillis());
  }

  @Test
  @DisplayName("a member paused for less than the suspicion timeout is not declared dead")
  void pausedMember() {
    int n = 20;
    Duration pause = OPTIONS.suspicionTimeout(n).minus(OPTIONS.period().multipliedBy(3));
    for (long seed : seeds(25)) {
      run(seed, () -> {
        SimCluster c = converged(seed, n, OPTIONS);
        SimNode sleeper = c.node(3);
        sleeper.pause();
        c.advance(pause);
        sleeper.resume();
        c.runUntil(SimCluster::converged, MINUTES);
        c.advance(OPTIONS.suspicionTimeout(n).multipliedBy(2));
        assertThat(c.count(MembershipEvent.Type.DEAD)).isZero();
        assertThat(c.converged()).isTrue();
        c.stop();
      });
    }
  }

  @Test
  @DisplayName("a paused observer does not declare healthy members dead when it resumes")
  void pausedObserver() {
    int n = 20;
    Duration timeout = OPTIONS.suspicionTimeout(n);
    for (long seed : seeds(25)) {
      run(seed, () -> {
        SimCluster c = converged(seed, n, OPTIONS);
        // answers take a while, so that the observer's probes are in flight when it pauses
        c.network().faults(Faults.none().delay(Duration.ofMillis(5), Duration.ofMillis(200)));
        SimNode suspect = c.node(3);
        SimNode observer = c.node(5);
        suspect.pause(); // stops answering: the others suspect it
        c.runUntil(
            x -> observer.node().membership().member(suspect.id()).orElseThrow().status()
                == MemberStatus.SUSPECT,
            MINUTES);
        c.advance(timeout.multipliedBy(6).dividedBy(10));
        // The observer pauses while its suspicion runs out, and the suspect comes back and
        // refutes meanwhile: on resume the observer's overdue timers fire before it reads the
        // refutation. It must not declare the suspect dead for the time it was paused itself.
        observer.pause();
        suspect.resume();
        c.advance(timeout.multipliedBy(6).dividedBy(10));
        observer.resume();
        c.runUntil(SimCluster::converged, MINUTES);
        c.advance(timeout.multipliedBy(2));
        assertThat(c.count(MembershipEvent.Type.DEAD)).isZero();
        // and the observer's probes in flight when it paused were not held against their targets:
        // the only members suspected are the one that paused first and the observer itself
        assertThat(c.events())
            .filteredOn(e -> e.split(" ")[2].equals("SUSPECTED"))
            .extracting(e -> e.split(" ")[3].substring(0, e.split(" ")[3].indexOf('@')))
            .containsOnly(suspect.id().value(), observer.id().value());
        c.stop();
      });
    }
  }

  // ------------------------------------------------------------------ restarts

  @Test
  @DisplayName("a member restarted at its address replaces its old incarnation at once")
  void restart() {
    int n = 10;
    AtomicInteger launches = new AtomicInteger();
    for (long seed : seeds(50)) {
      run(seed, () -> {
        SimCluster c =
            SimCluster.seeded(seed, OPTIONS)
                .configure(b -> {
                  String run = "run-" + launches.incrementAndGet();
                  return b.route("whoami", Handlers.requestResponse(m -> Mono.just(m.reply(run))));
                })
                .start(n);
        c.runUntil(SimCluster::converged, MINUTES);
        SimNode old = c.node(4);
        long before = old.node().membership().self().incarnation();
        CompletableFuture<Message> oldRun =
            c.node(0).node().request(Target.member(old.id()), Message.of("whoami")).toFuture();
        c.advance(Duration.ofMillis(100));
        String oldName = oldRun.join().payloadAsString();
        old.crash();
        c.advance(OPTIONS.period().multipliedBy(2)); // long enough for the others to suspect it
        assertThat(c.count(MembershipEvent.Type.SUSPECTED)).isPositive();
        SimNode fresh = old.restart();
        Duration took =
            c.runUntil(
                x -> {
                  for (SimNode o : x.running()) {
                    Member m = o.node().membership().member(fresh.id()).orElse(null);
                    if (m == null || m.incarnation() <= before || m.status() != MemberStatus.ALIVE) {
                      return false;
                    }
                  }
                  return true;
                },
                MINUTES);
        assertThat(took).isLessThan(OPTIONS.suspicionTimeout(n));
        assertThat(c.count(MembershipEvent.Type.DEAD)).isZero();
        // every call by id now reaches the new process, none the old one's state
        for (SimNode o : c.running()) {
          if (o == fresh) {
            continue;
          }
          CompletableFuture<Message> who =
              o.node().request(Target.member(fresh.id()), Message.of("whoami")).toFuture();
          c.advance(Duration.ofMillis(100));
          assertThat(who).isCompleted();
          assertThat(who.join().payloadAsString()).isNotEqualTo(oldName);
        }
        c.stop();
      });
    }
  }

  // ------------------------------------------------------------------ loss

  @Test
  @DisplayName("10 % message loss for 1000 periods in 50 nodes: suspicions, all refuted, no death")
  void lossWithoutCrash() {
    int n = 50;
    for (long seed : seeds(1)) {
      run(seed, () -> {
        SimCluster c = converged(seed, n, OPTIONS);
        c.network().faults(Faults.lossy(0.10));
        c.advance(OPTIONS.period().multipliedBy(1000));
        c.network().faults(Faults.none());
        c.runUntil(SimCluster::converged, MINUTES);
        long suspicions = distinct(c, "SUSPECTED");
        long refutations = distinct(c, "ALIVE");
        System.out.printf(
            "loss 10%%, n=%d, 1000 periods, seed %d: %d suspicions (member, incarnation), %d"
                + " refutations; %d SUSPECTED and %d ALIVE events over all views; %d deaths%n",
            n, seed, suspicions, refutations, c.count(MembershipEvent.Type.SUSPECTED),
            c.count(MembershipEvent.Type.ALIVE), c.count(MembershipEvent.Type.DEAD));
        assertThat(c.count(MembershipEvent.Type.DEAD)).isZero();
        assertThat(suspicions).isPositive();
        // every node that saw a suspicion saw it refuted: each SUSPECTED is followed by an ALIVE
        assertThat(unrefuted(c)).isEmpty();
        c.stop();
      });
    }
  }

  /** Distinct (member, incarnation) pairs among the recorded events of one type. */
  private static long distinct(SimCluster c, String type) {
    return c.events().stream()
        .map(e -> e.split(" "))
        .filter(p -> p[2].equals(type))
        .map(p -> p[3])
        .distinct()
        .count();
  }

  /** Per (observer, member), suspicions not followed by a refutation. */
  private static Map<String, Integer> unrefuted(SimCluster c) {
    Map<String, Integer> open = new HashMap<>();
    for (String e : c.events()) {
      String[] parts = e.split(" "); // "<t>ms <observer> <TYPE> <id>@<address>#<inc> <status>"
      String key = parts[1] + " " + parts[3].substring(0, parts[3].indexOf('@'));
      if (parts[2].equals("SUSPECTED")) {
        open.merge(key, 1, Integer::sum);
      } else if (parts[2].equals("ALIVE") || parts[2].equals("JOINED")) {
        open.remove(key);
      }
    }
    return open;
  }

  // ------------------------------------------------------------------ partitions

  @Test
  @DisplayName("a partition: each side declares the other dead, not its own; after the heal, one view")
  void partitionAndHeal() {
    int n = 10;
    MembershipOptions options = OPTIONS.withSyncInterval(Duration.ofSeconds(10));
    // No connection closes in a partition: a member cut off is first probed from the other side
    // at its turn, within n - 1 periods (see MembershipOptions#silentDetectionBound).
    for (long seed : seeds(50)) {
      run(seed, () -> {
        SimCluster c = converged(seed, n, options);
        List<SimNode> a = c.nodes().subList(0, 4);
        List<SimNode> b = c.nodes().subList(4, n);
        c.network()
            .partition(a.stream().map(SimNode::address).toList(), b.stream().map(SimNode::address).toList());
        Duration took =
            c.runUntil(
                x -> sidesDead(a, b) && sidesDead(b, a), options.silentDetectionBound(n));
        for (SimNode x : a) {
          assertThat(SimCluster.allOf(a, x.id(), MemberStatus.ALIVE)).as("side A keeps %s", x).isTrue();
        }
        for (SimNode x : b) {
          assertThat(SimCluster.allOf(b, x.id(), MemberStatus.ALIVE)).as("side B keeps %s", x).isTrue();
        }
        c.network().heal();
        Duration merged = c.runUntil(SimCluster::converged, options.syncInterval().multipliedBy(6));
        System.out.printf(
            "partition 4|6 seed %d: sides declared dead in %d ms, merged %d ms after the heal%n",
            seed, took.toMillis(), merged.toMillis());
        c.stop();
      });
    }
  }

  private static boolean sidesDead(List<SimNode> observers, List<SimNode> others) {
    for (SimNode o : others) {
      if (!SimCluster.allOf(observers, o.id(), MemberStatus.DEAD)) {
        return false;
      }
    }
    return true;
  }

  @Test
  @DisplayName("a one-way partition does not cause a message storm")
  void oneWayPartition() {
    int n = 20;
    for (long seed : seeds(10)) {
      run(seed, () -> {
        SimCluster c = converged(seed, n, OPTIONS);
        c.advance(OPTIONS.period().multipliedBy(20));
        Duration window = OPTIONS.period().multipliedBy(100);
        long before = c.network().sent();
        c.advance(window);
        long normal = c.network().sent() - before;
        SimNode mute = c.node(6); // hears everyone, nobody hears it
        for (SimNode o : c.nodes()) {
          if (o != mute) {
            c.network().block(mute.address(), o.address());
          }
        }
        before = c.network().sent();
        c.advance(window);
        long cut = c.network().sent() - before;
        System.out.printf(
            "one-way partition seed %d: %d messages per 100 periods normally, %d with one node"
                + " muted (%.2fx)%n",
            seed, normal, cut, (double) cut / normal);
        assertThat(cut).isLessThanOrEqualTo(2 * normal);
        c.stop();
      });
    }
  }
}
