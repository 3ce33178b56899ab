package io.meshwork;

import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The identity of a node, unique within a cluster and stable for the life of one node process.
 *
 * <p>An id is 1 to 64 printable ASCII characters without spaces. A node that is not given one
 * draws a random 64-bit id (16 hex digits) from its {@link Environment}'s random source, so a
 * simulated run reproduces the same ids from the same seed.
 *
 * <pre>{@code
 * NodeId fixed = NodeId.of("orders-1");
 * NodeId drawn = NodeId.random(new SplittableRandom(42));
 * }</pre>
 *
 * @param value the id's text
 */
public record NodeId(String value) implements Comparable<NodeId> {

  /** The longest id accepted, in characters. */
  public static final int MAX_LENGTH = 64;

  /**
   * Validates the id.
   *
   * @throws IllegalArgumentException if the text is empty, longer than {@value #MAX_LENGTH}
   *     characters, or holds a character outside printable ASCII
   */
  public NodeId {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "NodeId must be 1 to " + MAX_LENGTH + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(
            "NodeId must be printable ASCII without spaces, got '" + value + "'");
      }
    }
  }

  /**
   * Returns the id with the given text.
   *
   * @param value 1 to 64 printable ASCII characters without spaces
   * @return the id
   */
  public static NodeId of(String value) {
    return new NodeId(value);
  }

  /**
   * Draws a random 64-bit id, written as 16 lowercase hex digits.
   *
   * @param random the source to draw from (a node passes its environment's)
   * @return a fresh id
   */
  public static NodeId random(RandomGenerator random) {
    String hex = Long.toHexString(random.nextLong());
    return new NodeId("0".repeat(16 - hex.length()) + hex);
  }

  @Override
  public int compareTo(NodeId other) {
    return value.compareTo(other.value);
  }

  /**
   * Equal ids have equal text. Written out rather than generated: a record's generated {@code
   * equals} and {@code hashCode} go through method handles, which showed in the profile of
   * every call (ids are map keys on the request path).
   */
  @Override
  public boolean equals(@Nullable Object o) {
    return this == o || (o instanceof NodeId && value.equals(((NodeId) o).value));
  }

  /** The text's hash, the same value a record's generated {@code hashCode} gives. */
  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
