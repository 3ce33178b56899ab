package io.meshwork.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshwork.NodeId;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class VectorClockTest {

  private static final NodeId A = NodeId.of("a");
  private static final NodeId B = NodeId.of("b");
  private static final NodeId C = NodeId.of("c");

  private static VectorClock clock(long a, long b, long c) {
    return VectorClock.of(Map.of(A, a, B, b, C, c));
  }

  @Nested
  @DisplayName("of and empty")
  class Construction {

    @Test
    @DisplayName("empty has no entries and every counter at 0")
    void emptyHasNoEntries() {
      assertThat(VectorClock.empty().size()).isZero();
      assertThat(VectorClock.empty().entries()).isEmpty();
      assertThat(VectorClock.empty().get(A)).isZero();
      assertThat(VectorClock.empty()).hasToString("{}");
    }

    @Test
    @DisplayName("zero entries are treated as absent")
    void zeroEntriesAreAbsent() {
      assertThat(VectorClock.of(Map.of(A, 0L))).isEqualTo(VectorClock.empty());
      assertThat(VectorClock.of(Map.of(A, 0L)).hashCode())
          .isEqualTo(VectorClock.empty().hashCode());
      assertThat(VectorClock.of(Map.of(A, 0L, B, 2L))).isEqualTo(VectorClock.of(Map.of(B, 2L)));
      assertThat(VectorClock.of(Map.of(A, 0L, B, 2L)).size()).isEqualTo(1);
      assertThat(VectorClock.of(Map.of(A, 0L, B, 2L)).entries()).containsOnlyKeys(B);
    }

    @Test
    @DisplayName("rejects a negative counter, naming the node and the value")
    void rejectsNegativeCounters() {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> VectorClock.of(Map.of(A, 1L, B, -3L)))
          .withMessageContaining("b=-3")
          .withMessageContaining(">= 0");
    }

    @Test
    @DisplayName("rejects null ids and null counters inside the map, and a null map")
    void rejectsNulls() {
      Map<NodeId, Long> nullCounter = new HashMap<>();
      nullCounter.put(A, null);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> VectorClock.of(nullCounter))
          .withMessageContaining("a=null");

      Map<NodeId, Long> nullId = new HashMap<>();
      nullId.put(null, 1L);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> VectorClock.of(nullId))
          .withMessageContaining("null=1");

      assertThatNullPointerException().isThrownBy(() -> VectorClock.of(null));
    }

    @Test
    @DisplayName("rejects the same id twice (an IdentityHashMap can hold two equal ids)")
    void rejectsDuplicateIds() {
      Map<NodeId, Long> twice = new IdentityHashMap<>();
      twice.put(NodeId.of("a"), 1L);
      twice.put(NodeId.of("a"), 2L);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> VectorClock.of(twice))
          .withMessageContaining("a appears twice");
    }

    @Test
    @DisplayName("copies the map, so later changes to it do not leak in")
    void copiesTheMap() {
      Map<NodeId, Long> source = new HashMap<>(Map.of(A, 1L));
      VectorClock clock = VectorClock.of(source);
      source.put(A, 9L);
      assertThat(clock.get(A)).isEqualTo(1L);
    }
  }

  @Nested
  @DisplayName("order of entries")
  class EntryOrder {

    @Test
    @DisplayName("toString and entries() are sorted by id, whatever the input order")
    void sortedById() {
      Map<NodeId, Long> reversed = new TreeMap<>((x, y) -> y.compareTo(x));
      reversed.put(A, 1L);
      reversed.put(NodeId.of("b"), 3L);
      reversed.put(NodeId.of("aa"), 2L);
      reversed.put(NodeId.of("B"), 4L); // 'B' < 'a' in ASCII

      VectorClock clock = VectorClock.of(reversed);

      assertThat(clock).hasToString("{B=4, a=1, aa=2, b=3}");
      assertThat(List.copyOf(clock.entries().keySet()))
          .containsExactly(NodeId.of("B"), A, NodeId.of("aa"), NodeId.of("b"));
      assertThat(clock.increment(C)).hasToString("{B=4, a=1, aa=2, b=3, c=1}");
    }

    @Test
    @DisplayName("entries() is unmodifiable")
    void entriesAreUnmodifiable() {
      Map<NodeId, Long> entries = clock(1, 2, 3).entries();
      assertThatThrownBy(() -> entries.put(A, 5L))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(entries::clear).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  @DisplayName("compare")
  class Compare {

    @Test
    @DisplayName("gives each of the four orderings")
    void allFourOrderings() {
      VectorClock a = clock(1, 2, 0);
      assertThat(a.compare(clock(1, 3, 0))).isEqualTo(Ordering.BEFORE);
      assertThat(a.compare(clock(1, 2, 1))).isEqualTo(Ordering.BEFORE); // only the other has c
      assertThat(a.compare(clock(0, 2, 0))).isEqualTo(Ordering.AFTER); // only a has a
      assertThat(a.compare(clock(1, 2, 0))).isEqualTo(Ordering.EQUAL);
      assertThat(a.compare(clock(2, 1, 0))).isEqualTo(Ordering.CONCURRENT);
      assertThat(a.compare(clock(0, 0, 1))).isEqualTo(Ordering.CONCURRENT); // disjoint entries
      assertThat(VectorClock.empty().compare(a)).isEqualTo(Ordering.BEFORE);
      assertThat(VectorClock.empty().compare(VectorClock.empty())).isEqualTo(Ordering.EQUAL);
    }

    @Test
    @DisplayName("the javadoc example of Ordering holds")
    void orderingJavadocExample() {
      VectorClock a = VectorClock.empty().increment(NodeId.of("n1"));
      VectorClock b = a.increment(NodeId.of("n2"));
      assertThat(a.compare(b)).isEqualTo(Ordering.BEFORE);
      assertThat(b.compare(a)).isEqualTo(Ordering.AFTER);
      assertThat(a.increment(NodeId.of("n3")).compare(b)).isEqualTo(Ordering.CONCURRENT);
    }

    @Test
    @DisplayName("send and receive between two nodes, as in the class javadoc")
    void sendReceiveExample() {
      NodeId n1 = NodeId.of("n1");
      NodeId n2 = NodeId.of("n2");
      VectorClock onN1 = VectorClock.empty().increment(n1);
      VectorClock onN2 = VectorClock.empty().increment(n2);
      assertThat(onN1.compare(onN2)).isEqualTo(Ordering.CONCURRENT);
      VectorClock received = onN2.merge(onN1).increment(n2);
      assertThat(received).hasToString("{n1=1, n2=2}");
      assertThat(onN1.happenedBefore(received)).isTrue();
      assertThat(onN2.happenedBefore(received)).isTrue();
      assertThat(received.get(n1)).isEqualTo(1L);
    }
  }

  @Nested
  @DisplayName("increment and merge")
  class IncrementAndMerge {

    @Test
    @DisplayName("increment returns a new clock and leaves the original as it was")
    void incrementIsPure() {
      VectorClock a = clock(1, 0, 0);
      VectorClock next = a.increment(B);
      assertThat(a).hasToString("{a=1}");
      assertThat(next).hasToString("{a=1, b=1}");
      assertThat(next.increment(B)).hasToString("{a=1, b=2}");
    }

    @Test
    @DisplayName("increment throws ArithmeticException at Long.MAX_VALUE instead of wrapping")
    void incrementOverflow() {
      VectorClock full = VectorClock.of(Map.of(A, Long.MAX_VALUE));
      assertThatThrownBy(() -> full.increment(A))
          .isInstanceOf(ArithmeticException.class)
          .hasMessageContaining("a")
          .hasMessageContaining("Long.MAX_VALUE");
      assertThat(full.increment(B).get(A)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @DisplayName("merge takes the pointwise maximum")
    void mergeIsPointwiseMax() {
      assertThat(clock(1, 5, 0).merge(clock(3, 2, 4))).isEqualTo(clock(3, 5, 4));
    }

    @Test
    @DisplayName("rejects null arguments")
    void rejectsNullArguments() {
      VectorClock a = clock(1, 2, 3);
      assertThatNullPointerException().isThrownBy(() -> a.get(null));
      assertThatNullPointerException().isThrownBy(() -> a.increment(null));
      assertThatNullPointerException().isThrownBy(() -> a.merge(null));
      assertThatNullPointerException().isThrownBy(() -> a.compare(null));
    }
  }
}
