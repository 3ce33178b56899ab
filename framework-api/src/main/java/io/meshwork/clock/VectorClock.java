package io.meshwork.clock;

import io.meshwork.NodeId;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A vector clock: one event counter per node, which tells whether one event happened before
 * another or whether the two were concurrent.
 *
 * <pre>{@code
 * NodeId n1 = NodeId.of("n1");
 * NodeId n2 = NodeId.of("n2");
 * VectorClock onN1 = VectorClock.empty().increment(n1);      // {n1=1}: n1 sends
 * VectorClock onN2 = VectorClock.empty().increment(n2);      // {n2=1}: n2's own event
 * onN1.compare(onN2);                                        // Ordering.CONCURRENT
 * VectorClock received = onN2.merge(onN1).increment(n2);     // {n1=1, n2=2}: n2 receives
 * onN1.happenedBefore(received);                             // true
 * received.get(n1);                                          // 1
 * }</pre>
 *
 * <p>A node {@linkplain #increment increments} its own entry for each local event or send, and on
 * receipt {@linkplain #merge merges} the sender's clock into its own before incrementing.
 *
 * <p>Immutable and thread-safe. Counters are {@code >= 0}; a node without an entry has counter 0,
 * and zero entries are never stored, so two clocks that agree on every node are {@linkplain
 * #equals equal}. Entries are kept sorted by {@link NodeId}, so {@link #entries()} and {@link
 * #toString()} list them in the same order on every run, for instance {@code {a=1, b=3}}.
 */
public final class VectorClock {

  private static final NodeId[] NO_IDS = new NodeId[0];
  private static final long[] NO_COUNTERS = new long[0];
  private static final VectorClock EMPTY = new VectorClock(NO_IDS, NO_COUNTERS);

  /** Node ids in ascending order, no duplicates. */
  private final NodeId[] ids;

  /** {@code counters[i]} is the counter of {@code ids[i]}; always {@code > 0}. */
  private final long[] counters;

  private VectorClock(NodeId[] ids, long[] counters) {
    this.ids = ids;
    this.counters = counters;
  }

  /**
   * The clock with every counter at 0: the time before any event.
   *
   * @return the empty clock
   */
  public static VectorClock empty() {
    return EMPTY;
  }

  /**
   * A clock with the given counters. Zero counters are dropped, so {@code of(Map.of(a, 0L))}
   * equals {@link #empty()}.
   *
   * @param entries the counter of each node; copied, so the caller may change the map afterwards
   * @return the clock
   * @throws IllegalArgumentException if a node id or counter is {@code null}, a counter is
   *     negative, or the map holds the same id twice (as an {@link java.util.IdentityHashMap} can)
   */
  public static VectorClock of(Map<NodeId, Long> entries) {
    Objects.requireNonNull(entries, "entries");
    TreeMap<NodeId, Long> sorted = new TreeMap<>();
    for (Map.Entry<NodeId, Long> e : entries.entrySet()) {
      NodeId id = e.getKey();
      Long counter = e.getValue();
      if (id == null || counter == null) {
        throw new IllegalArgumentException(
            "A vector clock's node ids and counters must be non-null, got " + id + "=" + counter);
      }
      if (counter < 0) {
        throw new IllegalArgumentException(
            "A vector clock's counters must be >= 0, got " + id + "=" + counter);
      }
      if (sorted.put(id, counter) != null) {
        throw new IllegalArgumentException("Node id " + id + " appears twice in " + entries);
      }
    }
    sorted.values().removeIf(counter -> counter == 0L);
    if (sorted.isEmpty()) {
      return EMPTY;
    }
    NodeId[] ids = new NodeId[sorted.size()];
    long[] counters = new long[sorted.size()];
    int i = 0;
    for (Map.Entry<NodeId, Long> e : sorted.entrySet()) {
      ids[i] = e.getKey();
      counters[i] = e.getValue();
      i++;
    }
    return new VectorClock(ids, counters);
  }

  /**
   * One node's counter.
   *
   * @param node the node
   * @return its counter, 0 if this clock has no entry for it
   */
  public long get(NodeId node) {
    int i = Arrays.binarySearch(ids, Objects.requireNonNull(node, "node"));
    return i >= 0 ? counters[i] : 0L;
  }

  /**
   * This clock with one node's counter raised by one: what a node does for each local event and
   * before each send.
   *
   * @param node the node whose counter to raise, normally the calling node's own id
   * @return a new clock that is {@link Ordering#AFTER} this one
   * @throws ArithmeticException if the node's counter is already {@link Long#MAX_VALUE}
   */
  public VectorClock increment(NodeId node) {
    int i = Arrays.binarySearch(ids, Objects.requireNonNull(node, "node"));
    if (i >= 0) {
      if (counters[i] == Long.MAX_VALUE) {
        throw new ArithmeticException(
            "Counter of node " + node + " is at Long.MAX_VALUE and cannot be incremented");
      }
      long[] raised = counters.clone();
      raised[i]++;
      return new VectorClock(ids, raised);
    }
    int at = -i - 1; // where the new id goes to keep ids sorted
    NodeId[] newIds = new NodeId[ids.length + 1];
    long[] newCounters = new long[ids.length + 1];
    System.arraycopy(ids, 0, newIds, 0, at);
    System.arraycopy(counters, 0, newCounters, 0, at);
    newIds[at] = node;
    newCounters[at] = 1L;
    System.arraycopy(ids, at, newIds, at + 1, ids.length - at);
    System.arraycopy(counters, at, newCounters, at + 1, ids.length - at);
    return new VectorClock(newIds, newCounters);
  }

  /**
   * The least clock that is at or after both this one and {@code other}: the pointwise maximum of
   * the counters. What a node does with the clock of a message it receives (then it increments
   * its own entry). Commutative, associative and idempotent.
   *
   * @param other the other clock
   * @return the merged clock
   */
  public VectorClock merge(VectorClock other) {
    Objects.requireNonNull(other, "other");
    if (other.ids.length == 0) {
      return this;
    }
    if (ids.length == 0) {
      return other;
    }
    NodeId[] mergedIds = new NodeId[ids.length + other.ids.length];
    long[] mergedCounters = new long[mergedIds.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < ids.length || j < other.ids.length) {
      int c = cmp(i, other, j);
      if (c < 0) {
        mergedIds[n] = ids[i];
        mergedCounters[n++] = counters[i++];
      } else if (c > 0) {
        mergedIds[n] = other.ids[j];
        mergedCounters[n++] = other.counters[j++];
      } else {
        mergedIds[n] = ids[i];
        mergedCounters[n++] = Math.max(counters[i++], other.counters[j++]);
      }
    }
    return new VectorClock(Arrays.copyOf(mergedIds, n), Arrays.copyOf(mergedCounters, n));
  }

  /**
   * How this clock relates to another under happened-before.
   *
   * @param other the clock to compare with
   * @return {@link Ordering#BEFORE} if this clock happened before {@code other}, {@link
   *     Ordering#AFTER} if after, {@link Ordering#EQUAL} if they are equal, {@link
   *     Ordering#CONCURRENT} otherwise
   */
  public Ordering compare(VectorClock other) {
    Objects.requireNonNull(other, "other");
    boolean someSmaller = false; // an entry where this < other
    boolean someGreater = false; // an entry where this > other
    int i = 0;
    int j = 0;
    while ((i < ids.length || j < other.ids.length) && !(someSmaller && someGreater)) {
      int c = cmp(i, other, j);
      if (c < 0) { // only this has the node: its counter is > 0 = other's
        someGreater = true;
        i++;
      } else if (c > 0) {
        someSmaller = true;
        j++;
      } else {
        long mine = counters[i++];
        long theirs = other.counters[j++];
        someSmaller |= mine < theirs;
        someGreater |= mine > theirs;
      }
    }
    if (someSmaller) {
      return someGreater ? Ordering.CONCURRENT : Ordering.BEFORE;
    }
    return someGreater ? Ordering.AFTER : Ordering.EQUAL;
  }

  /**
   * Whether this clock happened strictly before {@code other}; {@code false} for equal clocks.
   *
   * @param other the clock to compare with
   * @return {@code compare(other) == Ordering.BEFORE}
   */
  public boolean happenedBefore(VectorClock other) {
    return compare(other) == Ordering.BEFORE;
  }

  /**
   * The non-zero counters, sorted by node id.
   *
   * @return an unmodifiable sorted map, a snapshot the caller may keep
   */
  public Map<NodeId, Long> entries() {
    SortedMap<NodeId, Long> map = new TreeMap<>();
    for (int i = 0; i < ids.length; i++) {
      map.put(ids[i], counters[i]);
    }
    return Collections.unmodifiableSortedMap(map);
  }

  /**
   * The number of nodes with a non-zero counter.
   *
   * @return the number of entries
   */
  public int size() {
    return ids.length;
  }

  /** Compares our {@code i}-th id with {@code other}'s {@code j}-th; past the end sorts last. */
  private int cmp(int i, VectorClock other, int j) {
    if (i == ids.length) {
      return 1;
    }
    if (j == other.ids.length) {
      return -1;
    }
    return ids[i].compareTo(other.ids[j]);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof VectorClock)) {
      return false;
    }
    VectorClock other = (VectorClock) o;
    return Arrays.equals(ids, other.ids) && Arrays.equals(counters, other.counters);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + Arrays.hashCode(counters);
  }

  /**
   * The entries in ascending id order, in the form of {@link java.util.AbstractMap#toString()}.
   *
   * @return for instance {@code {a=1, b=3}}, or {@code {}} for the empty clock
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append(ids[i]).append('=').append(counters[i]);
    }
    return s.append('}').toString();
  }
}
