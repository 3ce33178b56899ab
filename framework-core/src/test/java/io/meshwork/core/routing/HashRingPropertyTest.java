package io.meshwork.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshwork.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The consistent-hash ring's promises, as properties over generated clusters: even spread, little
 * movement when one member joins or leaves, the same answer on every node, and replica sets.
 *
 * <p>The bounds come from the ring's statistics. With {@code V} virtual nodes a member's share of
 * the ring is a sum of {@code V} arcs, so it is {@code 1/n} with a relative standard deviation of
 * about {@code 1/sqrt(V)} (7.9 % for V = 160); counting {@code K} sample keys adds {@code
 * sqrt(n/K)} (at most 3.2 % for n = 100, K = 100,000), about 8.5 % in all.
 *
 * <ul>
 *   <li>One member's share, as the fraction of keys a joiner takes or a leaver gives up, must be
 *       within {@link #MOVE_TOLERANCE} (±50 %, six of those deviations) of {@code 1/n}.
 *   <li>Every share of the ring must be within {@code [}{@link #SHARE_MIN}{@code , }{@link
 *       #SHARE_MAX}{@code ]} times {@code 1/n}. The upper end is wider because it bounds the
 *       largest of up to 100 shares, and a share (a sum of {@code V} exponential arcs, a Gamma
 *       variable) is skewed upwards: 3,000 random rings of 3 to 100 members gave a worst max/mean
 *       of 1.43 and min/mean of 0.66; the Chernoff bound puts a share above 1.6 below 10^-9.
 * </ul>
 *
 * <p>A ring that hashes badly or ignores its virtual nodes fails these at once (see {@link
 * #oneVirtualNodeSpreadsFarWorseThanTheBound}); {@link #theSpreadOfSharesIsAboutOneOverSqrtV}
 * checks the deviation itself, more tightly.
 */
class HashRingPropertyTest {

  private static final int V = HashRing.DEFAULT_VIRTUAL_NODES;
  private static final int KEYS = 100_000;

  /** The fraction of keys that move may be off {@code 1/n} by this much, relatively. */
  private static final double MOVE_TOLERANCE = 0.5;

  /** Every member's share is at most this many times {@code 1/n}, for V = 160. */
  private static final double SHARE_MAX = 1.6;

  /** Every member's share is at least this many times {@code 1/n}, for V = 160. */
  private static final double SHARE_MIN = 0.5;

  private static double worstMaxOverMean;
  private static double worstMinOverMean = Double.MAX_VALUE;
  private static int worstMaxN;
  private static int worstMinN;

  @AfterContainer
  static void reportWorstSpread() {
    System.out.printf(
        Locale.ROOT,
        "HashRing spread, V=%d, %d keys, 3..100 members: worst max/mean %.3f (n=%d), worst"
            + " min/mean %.3f (n=%d); bound [%.2f, %.2f]%n",
        V,
        KEYS,
        worstMaxOverMean,
        worstMaxN,
        worstMinOverMean,
        worstMinN,
        SHARE_MIN,
        SHARE_MAX);
  }

  // ---- spread ----

  @Property(tries = 30)
  void everyMembersShareIsCloseToUniform(
      @ForAll @IntRange(min = 3, max = 100) int n, @ForAll long seed) {
    List<NodeId> members = members(n, seed);
    Spread s = spread(HashRing.of(members, V), keys(KEYS, seed));

    synchronized (HashRingPropertyTest.class) {
      if (s.maxOverMean > worstMaxOverMean) {
        worstMaxOverMean = s.maxOverMean;
        worstMaxN = n;
      }
      if (s.minOverMean < worstMinOverMean) {
        worstMinOverMean = s.minOverMean;
        worstMinN = n;
      }
    }
    assertThat(s.counts).as("every member owns some keys (seed %d)", seed).hasSize(n);
    assertThat(s.maxOverMean).as("largest share / mean, n=%d seed=%d", n, seed)
        .isLessThanOrEqualTo(SHARE_MAX);
    assertThat(s.minOverMean).as("smallest share / mean, n=%d seed=%d", n, seed)
        .isGreaterThanOrEqualTo(SHARE_MIN);
  }

  @Example
  void theSpreadOfSharesIsAboutOneOverSqrtV() {
    // The coefficient of variation of the shares estimates 1/sqrt(V) directly; with 100 members
    // the estimate is good to ~7 %, so 1.5x the expected value is a loose but failing bound.
    int n = 100;
    Spread s = spread(HashRing.of(members(n, 1), V), keys(KEYS, 1));
    double expected = Math.sqrt(1.0 / V + (double) n / KEYS);
    System.out.printf(
        Locale.ROOT,
        "HashRing spread, V=%d, n=%d: coefficient of variation %.4f, expected ~%.4f"
            + " (1/sqrt(V) with sampling), max/mean %.3f, min/mean %.3f%n",
        V, n, s.cv, expected, s.maxOverMean, s.minOverMean);
    assertThat(s.cv).isBetween(expected / 1.5, expected * 1.5);
  }

  @Example
  void oneVirtualNodeSpreadsFarWorseThanTheBound() {
    // Shows the spread check can fail: one point per member gives arcs of exponential length.
    Spread s = spread(HashRing.of(members(50, 2), 1), keys(KEYS, 2));
    System.out.printf(
        Locale.ROOT, "HashRing spread, V=1, n=50: max/mean %.2f%n", s.maxOverMean);
    assertThat(s.maxOverMean).isGreaterThan(SHARE_MAX);
  }

  // ---- movement ----

  @Property(tries = 20)
  void addingAMemberMovesOnlyTheKeysItTakesAboutOneInNPlusOne(
      @ForAll @IntRange(min = 3, max = 100) int n, @ForAll long seed) {
    List<NodeId> members = members(n + 1, seed);
    NodeId joiner = members.remove(n);
    double fraction = movedWhenJoining(members, joiner, keys(KEYS, seed));
    double expected = 1.0 / (n + 1);
    assertThat(fraction / expected)
        .as("moved %.5f of keys, expected ~%.5f, n=%d seed=%d", fraction, expected, n, seed)
        .isBetween(1 - MOVE_TOLERANCE, 1 + MOVE_TOLERANCE);
  }

  @Property(tries = 20)
  void removingAMemberMovesOnlyItsKeysAboutOneInN(
      @ForAll @IntRange(min = 3, max = 100) int n, @ForAll long seed) {
    List<NodeId> members = members(n, seed);
    NodeId leaver = members.get(new SplittableRandom(seed).nextInt(n));
    double fraction = movedWhenLeaving(members, leaver, keys(KEYS, seed));
    double expected = 1.0 / n;
    assertThat(fraction / expected)
        .as("moved %.5f of keys, expected ~%.5f, n=%d seed=%d", fraction, expected, n, seed)
        .isBetween(1 - MOVE_TOLERANCE, 1 + MOVE_TOLERANCE);
  }

  @Example
  void movementReportForSomeClusterSizes() {
    List<byte[]> keys = keys(200_000, 3);
    for (int n : new int[] {3, 10, 30, 100}) {
      List<NodeId> members = members(n + 1, n);
      NodeId joiner = members.remove(n);
      double joined = movedWhenJoining(members, joiner, keys);
      double left = movedWhenLeaving(members, members.get(0), keys);
      System.out.printf(
          Locale.ROOT,
          "HashRing movement, V=%d, n=%3d, 200000 keys: join moves %.4f (1/(n+1) = %.4f,"
              + " ratio %.2f), leave moves %.4f (1/n = %.4f, ratio %.2f)%n",
          V, n, joined, 1.0 / (n + 1), joined * (n + 1), left, 1.0 / n, left * n);
      assertThat(joined * (n + 1)).isBetween(1 - MOVE_TOLERANCE, 1 + MOVE_TOLERANCE);
      assertThat(left * n).isBetween(1 - MOVE_TOLERANCE, 1 + MOVE_TOLERANCE);
    }
  }

  /** Fraction of keys that changed owner when {@code joiner} joined; asserts all went to it. */
  private static double movedWhenJoining(List<NodeId> members, NodeId joiner, List<byte[]> keys) {
    HashRing before = HashRing.of(members, V);
    List<NodeId> grown = new ArrayList<>(members);
    grown.add(joiner);
    HashRing after = HashRing.of(grown, V);
    int moved = 0;
    for (byte[] key : keys) {
      NodeId was = before.owner(key);
      NodeId now = after.owner(key);
      if (!now.equals(was)) {
        assertThat(now).as("a key that moves goes to the joiner").isEqualTo(joiner);
        moved++;
      }
    }
    return (double) moved / keys.size();
  }

  /** Fraction of keys that changed owner when {@code leaver} left; asserts only its keys did. */
  private static double movedWhenLeaving(List<NodeId> members, NodeId leaver, List<byte[]> keys) {
    HashRing before = HashRing.of(members, V);
    List<NodeId> shrunk = new ArrayList<>(members);
    shrunk.remove(leaver);
    HashRing after = HashRing.of(shrunk, V);
    int moved = 0;
    for (byte[] key : keys) {
      NodeId was = before.owner(key);
      NodeId now = after.owner(key);
      if (!now.equals(was)) {
        assertThat(was).as("only the leaver's keys move").isEqualTo(leaver);
        moved++;
      } else {
        assertThat(was).as("every key of the leaver moves").isNotEqualTo(leaver);
      }
    }
    return (double) moved / keys.size();
  }

  // ---- determinism ----

  @Property(tries = 50)
  void theSameMembersInAnyOrderGiveTheSameOwners(
      @ForAll @IntRange(min = 1, max = 60) int n,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int virtualNodes) {
    List<NodeId> members = members(n, seed);
    List<NodeId> shuffled = new ArrayList<>(members);
    Collections.shuffle(shuffled, new Random(seed));
    shuffled.add(shuffled.get(0)); // a duplicate changes nothing either
    HashRing a = HashRing.of(members, virtualNodes);
    HashRing b = HashRing.of(shuffled, virtualNodes);
    HashRing c = HashRing.of(new LinkedHashSet<>(shuffled), virtualNodes);

    assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(b.members()).isEqualTo(a.members()).isSorted();
    for (byte[] key : keys(2_000, seed)) {
      assertThat(b.owner(key)).isEqualTo(a.owner(key));
      assertThat(c.owner(key)).isEqualTo(a.owner(key));
      assertThat(b.owners(key, 3)).isEqualTo(a.owners(key, 3));
    }
  }

  @Example
  void ownersArePinnedAcrossVersionsAndJvms() {
    // Every node of a cluster, of any Meshwork version, must agree: these values may only change
    // with a deliberate, announced change of placement.
    HashRing ring = HashRing.of(List.of(NodeId.of("a"), NodeId.of("b"), NodeId.of("c")));
    Map<String, String> pinned = new HashMap<>();
    for (String key : List.of("user:1", "user:2", "user:3", "user:42", "orders", "ключ", "")) {
      pinned.put(key, ring.owners(key, 3).toString());
    }
    assertThat(pinned)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "user:1", "[a, c, b]",
                "user:2", "[b, c, a]",
                "user:3", "[a, c, b]",
                "user:42", "[b, c, a]",
                "orders", "[b, c, a]",
                "ключ", "[a, c, b]",
                "", "[c, b, a]"));
  }

  @Example
  void pointsThatHashAlikeGoToTheSmallerIdWhateverTheInputOrder() {
    NodeId a = NodeId.of("a");
    NodeId b = NodeId.of("b");
    NodeId c = NodeId.of("c");
    HashRing ring = HashRing.of(List.of(c, a, b), 4, bytes -> 7L); // every point collides
    HashRing reversed = HashRing.of(List.of(b, a, c), 4, bytes -> 7L);
    assertThat(ring.owner("anything")).isEqualTo(a);
    assertThat(ring.owners("anything", 3)).containsExactly(a, b, c);
    assertThat(reversed.owners("anything", 3)).containsExactly(a, b, c);
  }

  // ---- replica sets ----

  @Property(tries = 50)
  void aReplicaSetHasMinOfRAndNDistinctMembersStartingWithTheOwner(
      @ForAll @IntRange(min = 1, max = 30) int n,
      @ForAll @IntRange(min = 1, max = 40) int r,
      @ForAll long seed) {
    HashRing ring = HashRing.of(members(n, seed), 16);
    for (byte[] key : keys(500, seed)) {
      List<NodeId> owners = ring.owners(key, r);
      assertThat(owners).hasSize(Math.min(r, n)).doesNotHaveDuplicates();
      assertThat(owners.get(0)).isEqualTo(ring.owner(key));
      assertThat(ring.members()).containsAll(owners);
      assertThat(ring.owners(key, r + 1)).startsWith(owners.toArray(new NodeId[0]));
    }
  }

  @Property(tries = 30)
  void whenAMemberLeavesTheOthersKeepTheirPlacesInEveryReplicaOrder(
      @ForAll @IntRange(min = 2, max = 30) int n, @ForAll long seed) {
    List<NodeId> members = members(n, seed);
    NodeId leaver = members.get(new SplittableRandom(seed).nextInt(n));
    HashRing before = HashRing.of(members, 32);
    List<NodeId> rest = new ArrayList<>(members);
    rest.remove(leaver);
    HashRing after = HashRing.of(rest, 32);
    for (byte[] key : keys(500, seed)) {
      List<NodeId> order = new ArrayList<>(before.owners(key, n));
      order.remove(leaver);
      assertThat(after.owners(key, n)).isEqualTo(order);
    }
  }

  // ---- edge cases ----

  @Example
  void anEmptyRingOwnsNothing() {
    HashRing ring = HashRing.of(List.of());
    assertThat(ring.isEmpty()).isTrue();
    assertThat(ring.size()).isZero();
    assertThat(ring.members()).isEmpty();
    assertThat(ring.owner("k")).isNull();
    assertThat(ring.owner(new byte[0])).isNull();
    assertThat(ring.owners("k", 3)).isEmpty();
  }

  @Example
  void oneMemberOwnsEveryKey() {
    NodeId only = NodeId.of("only");
    HashRing ring = HashRing.of(List.of(only), 1);
    assertThat(ring.isEmpty()).isFalse();
    for (byte[] key : keys(1_000, 4)) {
      assertThat(ring.owner(key)).isEqualTo(only);
      assertThat(ring.owners(key, 5)).containsExactly(only);
    }
  }

  @Example
  void askingForMoreReplicasThanMembersGivesEveryMember() {
    List<NodeId> members = members(4, 5);
    HashRing ring = HashRing.of(members);
    assertThat(ring.owners("k", 10)).hasSize(4).containsExactlyInAnyOrderElementsOf(members);
  }

  @Example
  void invalidArgumentsAreRejectedWithTheValue() {
    List<NodeId> members = members(3, 6);
    assertThatThrownBy(() -> HashRing.of(members, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("virtualNodes must be at least 1, got 0");
    assertThatThrownBy(() -> HashRing.of(members, -5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HashRing.of(members(2, 7), HashRing.MAX_POINTS / 2 + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + HashRing.MAX_POINTS);
    HashRing ring = HashRing.of(members);
    assertThatThrownBy(() -> ring.owners("k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1, got 0");
    assertThatThrownBy(() -> HashRing.of(List.of()).owners("k", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void stringAndUtf8KeysAgree() {
    HashRing ring = HashRing.of(members(10, 8));
    for (String key : List.of("", "a", "user:42", "ключ", "ü🎉")) {
      assertThat(ring.owner(key)).isEqualTo(ring.owner(key.getBytes(StandardCharsets.UTF_8)));
      assertThat(ring.owners(key, 3))
          .isEqualTo(ring.owners(key.getBytes(StandardCharsets.UTF_8), 3));
    }
  }

  // ---- helpers ----

  /** {@code n} distinct random ids drawn from the seed, in draw order (a mutable list). */
  private static List<NodeId> members(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    LinkedHashSet<NodeId> ids = new LinkedHashSet<>();
    while (ids.size() < n) {
      ids.add(NodeId.random(random));
    }
    return new ArrayList<>(ids);
  }

  /** {@code count} keys shaped like real ones ("user:" and a number), varied by the seed. */
  private static List<byte[]> keys(int count, long seed) {
    List<byte[]> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(("user:" + seed + ":" + i).getBytes(StandardCharsets.UTF_8));
    }
    return keys;
  }

  private static Spread spread(HashRing ring, List<byte[]> keys) {
    Map<NodeId, Integer> counts = new HashMap<>();
    for (byte[] key : keys) {
      counts.merge(ring.owner(key), 1, Integer::sum);
    }
    double mean = (double) keys.size() / ring.size();
    int max = 0;
    int min = Integer.MAX_VALUE;
    double squares = 0;
    for (NodeId m : ring.members()) {
      int c = counts.getOrDefault(m, 0);
      max = Math.max(max, c);
      min = Math.min(min, c);
      squares += (c - mean) * (c - mean);
    }
    double cv = Math.sqrt(squares / ring.size()) / mean;
    return new Spread(counts, max / mean, min / mean, cv);
  }

  private record Spread(
      Map<NodeId, Integer> counts, double maxOverMean, double minOverMean, double cv) {}
}
