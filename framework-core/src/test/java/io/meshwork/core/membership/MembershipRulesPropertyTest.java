package io.meshwork.core.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Address;
import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/** The membership protocol's decisions, as properties over generated inputs. */
class MembershipRulesPropertyTest {

  private static final NodeId M = NodeId.of("m");
  private static final Address A = Address.of("h", 1);

  @Provide
  Arbitrary<Member> updates() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 5), Arbitraries.of(MemberStatus.class))
        .as((inc, status) -> Member.of(M, A, inc, status));
  }

  private static @Nullable Member apply(List<Member> updates) {
    Member view = null;
    for (Member u : updates) {
      if (UpdateRules.supersedes(u, view)) {
        view = u;
      }
    }
    return view;
  }

  @Property
  void theViewDoesNotDependOnTheOrderGossipDeliversUpdates(
      @ForAll @Size(min = 1, max = 12) List<@net.jqwik.api.From("updates") Member> updates,
      @ForAll long shuffleSeed) {
    List<Member> shuffled = new ArrayList<>(updates);
    Collections.shuffle(shuffled, new Random(shuffleSeed));
    assertThat(apply(shuffled)).isEqualTo(apply(updates));
  }

  @Property
  void anUpdateAppliedTwiceChangesNothingTheSecondTime(
      @ForAll("updates") Member u, @ForAll("updates") Member current) {
    Member view = UpdateRules.supersedes(u, current) ? u : current;
    assertThat(UpdateRules.supersedes(u, view)).isFalse();
  }

  @Property
  void aRefutationOverridesTheSuspicionItAnswers(
      @ForAll("updates") Member aboutSelf, @ForAll @LongRange(min = 0, max = 5) long own) {
    Member self = Member.of(M, A, own, MemberStatus.ALIVE);
    if (UpdateRules.mustRefute(aboutSelf, self)) {
      long refuting = UpdateRules.refutingIncarnation(aboutSelf, own);
      Member alive = Member.of(M, A, refuting, MemberStatus.ALIVE);
      assertThat(UpdateRules.supersedes(alive, aboutSelf)).isTrue();
      assertThat(refuting).isGreaterThan(own);
    } else {
      // not refuted: it could not have won over this node's own entry anywhere
      assertThat(UpdateRules.supersedes(aboutSelf, self)).isFalse();
    }
  }

  @Property
  void aDeadMemberComesBackOnlyWithAHigherIncarnation(
      @ForAll @LongRange(min = 0, max = 5) long dead, @ForAll @LongRange(min = 0, max = 8) long alive) {
    Member tomb = Member.of(M, A, dead, MemberStatus.DEAD);
    Member back = Member.of(M, A, alive, MemberStatus.ALIVE);
    assertThat(UpdateRules.supersedes(back, tomb)).isEqualTo(alive > dead);
  }

  @Property
  void log2CeilIsTheCeilingOfLog2OfNPlusOne(@ForAll @IntRange(min = 1, max = 1_000_000) int n) {
    int expected = (int) Math.ceil(Math.log(n + 1.0) / Math.log(2) - 1e-12);
    assertThat(MembershipOptions.log2Ceil(n)).isEqualTo(expected);
  }

  @Property
  void boundsGrowWithTheClusterAndContainTheirParts(
      @ForAll @IntRange(min = 1, max = 10_000) int n, @ForAll @IntRange(min = 1, max = 10) int mult) {
    MembershipOptions o =
        MembershipOptions.defaults()
            .withProbeTimeout(Duration.ofMillis(200))
            .withPeriod(Duration.ofMillis(500))
            .withSuspicionMultiplier(mult)
            .withGossipRepeatMultiplier(mult);
    Duration bound = o.detectionBound(n);
    assertThat(bound)
        .isEqualTo(
            o.period().plus(o.probeTimeout()).plus(o.suspicionTimeout(n)).plus(o.disseminationTime(n)));
    assertThat(o.suspicionTimeout(n))
        .isEqualTo(Duration.ofMillis(500L * mult * MembershipOptions.log2Ceil(n)));
    assertThat(o.detectionBound(n * 2)).isGreaterThanOrEqualTo(bound);
    assertThat(o.retransmitLimit(n)).isEqualTo(mult * MembershipOptions.log2Ceil(n));
  }

  @Property
  void everyMemberIsProbedOnceEveryRound(
      @ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
    List<NodeId> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(NodeId.of("n" + i));
    }
    ProbeOrder order = new ProbeOrder(new SplittableRandom(seed));
    for (int round = 0; round < 3; round++) {
      Set<NodeId> seen = new HashSet<>();
      for (int i = 0; i < n; i++) {
        seen.add(order.next(members));
      }
      assertThat(seen).hasSize(n);
    }
  }

  @Property
  void oneSeedGivesOneProbeOrder(@ForAll @IntRange(min = 2, max = 20) int n, @ForAll long seed) {
    List<NodeId> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(NodeId.of("n" + i));
    }
    ProbeOrder first = new ProbeOrder(new SplittableRandom(seed));
    ProbeOrder second = new ProbeOrder(new SplittableRandom(seed));
    for (int i = 0; i < 3 * n; i++) {
      assertThat(second.next(members)).isEqualTo(first.next(members));
    }
  }

  @Property
  void aMemberThatJoinsMidRoundIsProbedWithinTheRound(
      @ForAll @IntRange(min = 1, max = 20) int n, @ForAll @IntRange(min = 0, max = 19) int after, @ForAll long seed) {
    List<NodeId> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(NodeId.of("n" + i));
    }
    ProbeOrder order = new ProbeOrder(new SplittableRandom(seed));
    order.next(members);
    for (int i = 0; i < Math.min(after, n - 1); i++) {
      order.next(members);
    }
    NodeId newcomer = NodeId.of("new");
    members.add(newcomer);
    order.joined(newcomer);
    Set<NodeId> seen = new HashSet<>();
    for (int i = 0; i < members.size() + 1; i++) {
      seen.add(order.next(members));
    }
    assertThat(seen).contains(newcomer);
  }

  @Property
  void phiRisesTheLongerNoHeartbeatComes(
      @ForAll @IntRange(min = 10, max = 1000) int periodMillis, @ForAll @IntRange(min = 0, max = 20) int jitterPercent) {
    long period = periodMillis * 1_000_000L;
    PhiAccrualDetector phi = new PhiAccrualDetector(100, period / 10, period);
    long now = 0;
    SplittableRandom r = new SplittableRandom(periodMillis);
    for (int i = 0; i < 50; i++) {
      now += period + (jitterPercent == 0 ? 0 : r.nextLong(-period * jitterPercent / 100, period * jitterPercent / 100 + 1));
      phi.heartbeat(now);
    }
    double previous = -1;
    for (int k = 0; k <= 20; k++) {
      double p = phi.phi(now + k * period / 2);
      assertThat(p).isGreaterThanOrEqualTo(previous);
      previous = p;
    }
    assertThat(phi.phi(now + period)).isLessThan(1.0); // on time: hardly suspicious
    assertThat(phi.phi(now + 5 * period)).isGreaterThan(3.0); // five periods late: very
  }
}
