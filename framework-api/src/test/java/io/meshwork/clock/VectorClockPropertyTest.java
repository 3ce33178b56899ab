package io.meshwork.clock;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.NodeId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

/** Algebraic properties of {@link VectorClock} over generated clocks. */
class VectorClockPropertyTest {

  /** A small fixed universe of nodes, so that generated clocks share entries and compare often. */
  private static final List<NodeId> NODES =
      List.of(NodeId.of("a"), NodeId.of("b"), NodeId.of("c"), NodeId.of("d"), NodeId.of("e"));

  private static final int MAX_COUNTER = 20;

  // ---------------------------------------------------------------- generators

  /** One counter per node of {@link #NODES}, each 0..20; a 0 means the node has no entry. */
  private static Arbitrary<List<Long>> rawCounters() {
    return Arbitraries.longs().between(0, MAX_COUNTER).list().ofSize(NODES.size());
  }

  /** Builds a clock from raw counters without going through any clock arithmetic. */
  private static VectorClock clockOf(List<Long> counters) {
    Map<NodeId, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < NODES.size(); i++) {
      map.put(NODES.get(i), counters.get(i));
    }
    return VectorClock.of(map);
  }

  /** The pointwise maximum of two counter lists, computed independently of {@code merge}. */
  private static List<Long> max(List<Long> x, List<Long> y) {
    List<Long> result = new ArrayList<>(x.size());
    for (int i = 0; i < x.size(); i++) {
      result.add(Math.max(x.get(i), y.get(i)));
    }
    return result;
  }

  @Provide
  Arbitrary<VectorClock> clocks() {
    return rawCounters().map(VectorClockPropertyTest::clockOf);
  }

  @Provide
  Arbitrary<NodeId> nodes() {
    return Arbitraries.of(NODES);
  }

  /**
   * Pairs {@code (a, b)} spread over all four orderings: two independent clocks are nearly always
   * concurrent, so a quarter of the pairs are equal, a quarter have {@code b} dominating {@code a}
   * (pointwise max with a third clock), a quarter the reverse, and a quarter are independent.
   */
  @Provide
  Arbitrary<Tuple2<VectorClock, VectorClock>> pairs() {
    Arbitrary<Tuple2<VectorClock, VectorClock>> equal =
        rawCounters().map(x -> Tuple.of(clockOf(x), clockOf(x)));
    Arbitrary<Tuple2<VectorClock, VectorClock>> below =
        Combinators.combine(rawCounters(), rawCounters())
            .as((x, y) -> Tuple.of(clockOf(x), clockOf(max(x, y))));
    Arbitrary<Tuple2<VectorClock, VectorClock>> above =
        Combinators.combine(rawCounters(), rawCounters())
            .as((x, y) -> Tuple.of(clockOf(max(x, y)), clockOf(x)));
    Arbitrary<Tuple2<VectorClock, VectorClock>> independent =
        Combinators.combine(clocks(), clocks()).as(Tuple::of);
    return Arbitraries.oneOf(equal, below, above, independent);
  }

  // ---------------------------------------------------------------- merge

  @Property
  @Label("merge is commutative")
  void mergeIsCommutative(@ForAll("pairs") Tuple2<VectorClock, VectorClock> pair) {
    VectorClock a = pair.get1();
    VectorClock b = pair.get2();
    assertThat(a.merge(b)).isEqualTo(b.merge(a));
  }

  @Property
  @Label("merge is associative")
  void mergeIsAssociative(
      @ForAll("clocks") VectorClock a,
      @ForAll("clocks") VectorClock b,
      @ForAll("clocks") VectorClock c) {
    assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
  }

  @Property
  @Label("merge is idempotent, and empty is its identity")
  void mergeIsIdempotentWithEmptyAsIdentity(@ForAll("clocks") VectorClock a) {
    assertThat(a.merge(a)).isEqualTo(a);
    assertThat(a.merge(VectorClock.empty())).isEqualTo(a);
    assertThat(VectorClock.empty().merge(a)).isEqualTo(a);
  }

  @Property
  @Label("merge is the pointwise maximum")
  void mergeIsPointwiseMax(
      @ForAll("clocks") VectorClock a, @ForAll("clocks") VectorClock b) {
    VectorClock merged = a.merge(b);
    for (NodeId n : NODES) {
      assertThat(merged.get(n)).as("entry %s", n).isEqualTo(Math.max(a.get(n), b.get(n)));
    }
  }

  // ---------------------------------------------------------------- compare

  @Property
  @Label("compare agrees with merge, and all four orderings are generated")
  void compareIsConsistentWithMerge(@ForAll("pairs") Tuple2<VectorClock, VectorClock> pair) {
    VectorClock a = pair.get1();
    VectorClock b = pair.get2();
    Ordering ordering = a.compare(b);
    VectorClock merged = a.merge(b);

    assertThat(ordering == Ordering.BEFORE || ordering == Ordering.EQUAL)
        .as("%s vs %s: %s, merged %s", a, b, ordering, merged)
        .isEqualTo(merged.equals(b));
    assertThat(ordering == Ordering.AFTER || ordering == Ordering.EQUAL)
        .as("%s vs %s: %s, merged %s", a, b, ordering, merged)
        .isEqualTo(merged.equals(a));
    assertThat(ordering == Ordering.CONCURRENT)
        .as("%s vs %s: %s, merged %s", a, b, ordering, merged)
        .isEqualTo(!merged.equals(a) && !merged.equals(b));

    Statistics.label("ordering").collect(ordering);
    Statistics.label("ordering")
        .coverage(
            coverage -> {
              for (Ordering o : Ordering.values()) {
                coverage.check(o).percentage(p -> p >= 10.0);
              }
            });
  }

  @Property
  @Label("compare is antisymmetric, and EQUAL means equals")
  void compareIsAntisymmetric(@ForAll("pairs") Tuple2<VectorClock, VectorClock> pair) {
    VectorClock a = pair.get1();
    VectorClock b = pair.get2();
    assertThat(a.compare(b) == Ordering.BEFORE).isEqualTo(b.compare(a) == Ordering.AFTER);
    assertThat(a.compare(b) == Ordering.AFTER).isEqualTo(b.compare(a) == Ordering.BEFORE);
    assertThat(a.compare(b) == Ordering.CONCURRENT)
        .isEqualTo(b.compare(a) == Ordering.CONCURRENT);
    assertThat(a.compare(b) == Ordering.EQUAL).isEqualTo(a.equals(b));
    if (a.equals(b)) {
      assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }
  }

  @Property
  @Label("a clock does not happen before itself")
  void happenedBeforeIsIrreflexive(@ForAll("clocks") VectorClock a) {
    assertThat(a.compare(a)).isEqualTo(Ordering.EQUAL);
    assertThat(a.happenedBefore(a)).isFalse();
  }

  // ---------------------------------------------------------------- increment

  @Property
  @Label("increment(n) is strictly AFTER and changes only n's entry, by one")
  void incrementAdvancesOnlyThatNode(@ForAll("clocks") VectorClock a, @ForAll("nodes") NodeId n) {
    VectorClock next = a.increment(n);

    assertThat(next.compare(a)).isEqualTo(Ordering.AFTER);
    assertThat(a.compare(next)).isEqualTo(Ordering.BEFORE);
    assertThat(a.happenedBefore(next)).isTrue();
    assertThat(next.get(n)).isEqualTo(a.get(n) + 1);
    for (NodeId other : NODES) {
      if (!other.equals(n)) {
        assertThat(next.get(other)).as("entry %s", other).isEqualTo(a.get(other));
      }
    }
    assertThat(a.increment(n)).as("the original is unchanged").isEqualTo(next);
  }

  @Property
  @Label("happenedBefore is transitive along a chain of increments")
  void happenedBeforeIsTransitive(
      @ForAll("clocks") VectorClock a, @ForAll("nodes") NodeId x, @ForAll("nodes") NodeId y) {
    VectorClock b = a.increment(x);
    VectorClock c = b.increment(y);

    assertThat(a.happenedBefore(b)).isTrue();
    assertThat(b.happenedBefore(c)).isTrue();
    assertThat(a.happenedBefore(c)).isTrue();
    assertThat(c.happenedBefore(a)).isFalse();
  }

  @Property
  @Label("happenedBefore is transitive for any generated triple")
  void happenedBeforeIsTransitiveInGeneral(
      @ForAll("counters") List<Long> x,
      @ForAll("counters") List<Long> y,
      @ForAll("counters") List<Long> z) {
    // a <= b <= c pointwise by construction, so only the strictness varies.
    VectorClock a = clockOf(x);
    VectorClock b = clockOf(max(x, y));
    VectorClock c = clockOf(max(max(x, y), z));
    if (a.happenedBefore(b) && b.happenedBefore(c)) {
      assertThat(a.happenedBefore(c)).isTrue();
    }
    assertThat(c.compare(a)).isIn(Ordering.AFTER, Ordering.EQUAL);
  }

  @Provide("counters")
  Arbitrary<List<Long>> counterLists() {
    return rawCounters();
  }

  // ---------------------------------------------------------------- entries and toString

  @Property
  @Label("entries() and toString() list ids in ascending order, zeros left out")
  void entriesAreSortedById(@ForAll("clocks") VectorClock a) {
    List<NodeId> ids = new ArrayList<>(a.entries().keySet());
    assertThat(ids).isSorted();
    assertThat(a.entries().values()).allSatisfy(counter -> assertThat(counter).isPositive());
    assertThat(a.size()).isEqualTo(a.entries().size());
    assertThat(a.toString()).isEqualTo(a.entries().toString());
    assertThat(VectorClock.of(a.entries())).isEqualTo(a);
  }
}
