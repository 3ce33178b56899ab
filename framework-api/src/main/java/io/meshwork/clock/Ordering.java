package io.meshwork.clock;

/**
 * How two logical timestamps relate under the happened-before relation: the answer of {@code
 * a.compare(b)}.
 *
 * <pre>{@code
 * VectorClock a = VectorClock.empty().increment(NodeId.of("n1"));
 * VectorClock b = a.increment(NodeId.of("n2"));
 * a.compare(b);                              // BEFORE
 * b.compare(a);                              // AFTER
 * a.increment(NodeId.of("n3")).compare(b);   // CONCURRENT
 * }</pre>
 *
 * <p>Exactly one constant holds for any pair, and swapping the operands swaps {@link #BEFORE} with
 * {@link #AFTER} while leaving {@link #EQUAL} and {@link #CONCURRENT} as they are.
 */
public enum Ordering {

  /**
   * {@code a} happened before {@code b}: every entry of {@code a} is at most the same entry of
   * {@code b}, and at least one is strictly smaller. Whatever {@code b} records may have been
   * caused by {@code a}.
   */
  BEFORE,

  /**
   * {@code a} happened after {@code b}, that is {@code b} happened before {@code a}: every entry of
   * {@code a} is at least the same entry of {@code b}, and at least one is strictly greater.
   */
  AFTER,

  /** {@code a} and {@code b} are the same timestamp: every entry is equal ({@code a.equals(b)}). */
  EQUAL,

  /**
   * Neither happened before the other: {@code a} is greater in some entry and {@code b} in
   * another. The two events were not causally related, for instance two writes made on different
   * nodes without either having seen the other.
   */
  CONCURRENT
}
