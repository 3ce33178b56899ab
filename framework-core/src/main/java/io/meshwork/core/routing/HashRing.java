package io.meshwork.core.routing;

import io.meshwork.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A consistent-hash ring over a set of members: each key belongs to the first member met going
 * clockwise from the key's hash, and a member joining or leaving moves only the keys on the arcs
 * it gains or loses, about {@code 1/n} of them.
 *
 * <p>Each member is placed at {@code virtualNodes} points, the XXH64 hashes of the UTF-8 bytes of
 * {@code id + "#" + i} for {@code i} in {@code [0, virtualNodes)}; a key's hash is the XXH64 of
 * its UTF-8 bytes. With {@code V} virtual nodes a member's share of the keys is {@code 1/n} with
 * a relative standard deviation of about {@code 1/sqrt(V)}: 7.9 % for the default 160, so the
 * largest of 100 members' shares is typically 1.2 to 1.3 times the mean. More virtual nodes even
 * the shares out at the cost of memory ({@code 12} bytes per point) and of a slower build.
 *
 * <p>The ring depends only on the set of members and the virtual-node count, never on the order
 * they were given in: every node that sees the same members computes the same owners for every
 * key, on every JVM. Two points that hash alike are ordered by member id.
 *
 * <pre>{@code
 * NodeId a = NodeId.of("a"), b = NodeId.of("b"), c = NodeId.of("c"), d = NodeId.of("d");
 * HashRing ring = HashRing.of(List.of(a, b, c));
 * NodeId owner = ring.owner("user:42");              // the same on every node with this view
 * List<NodeId> replicas = ring.owners("user:42", 2); // owner first, then the next member clockwise
 * HashRing grown = HashRing.of(List.of(a, b, c, d)); // only keys that now belong to d move
 * HashRing small = HashRing.of(List.of(a, b), 64);   // fewer virtual nodes: less even, less memory
 * }</pre>
 *
 * <p>Immutable and thread-safe. Building costs {@code O(nV log nV)}; a lookup is a binary search
 * over a {@code long[]} of the points, {@code O(log nV)}, allocating nothing for a {@code byte[]}
 * key and one {@code byte[]} (the UTF-8 encoding) for a {@code String} key. To follow a changing
 * view, build a new ring per view.
 */
public final class HashRing {

  /** Virtual nodes per member when none is given: 160, a share within ~8 % (one sigma) of 1/n. */
  public static final int DEFAULT_VIRTUAL_NODES = 160;

  /** The most points (members times virtual nodes) a ring may hold: 2^24, about 200 MB. */
  public static final int MAX_POINTS = 1 << 24;

  private static final ToLongFunction<byte[]> XXH64 = XxHash64::hash;

  private final List<NodeId> members;
  private final NodeId[] memberAt;
  private final int virtualNodes;
  private final long[] points;
  private final int[] pointOwner;
  private final ToLongFunction<byte[]> hash;

  private HashRing(
      List<NodeId> members,
      int virtualNodes,
      long[] points,
      int[] pointOwner,
      ToLongFunction<byte[]> hash) {
    this.members = members;
    this.memberAt = members.toArray(new NodeId[0]);
    this.virtualNodes = virtualNodes;
    this.points = points;
    this.pointOwner = pointOwner;
    this.hash = hash;
  }

  /**
   * A ring of the given members with {@value #DEFAULT_VIRTUAL_NODES} virtual nodes each.
   *
   * @param members the members, in any order; duplicates count once
   * @return the ring, empty if there are no members
   */
  public static HashRing of(Collection<NodeId> members) {
    return of(members, DEFAULT_VIRTUAL_NODES);
  }

  /**
   * A ring of the given members with {@code virtualNodes} points each.
   *
   * @param members the members, in any order; duplicates count once
   * @param virtualNodes points per member, at least 1: more even the shares out (relative spread
   *     about {@code 1/sqrt(virtualNodes)}) and cost 12 bytes of memory each
   * @return the ring, empty if there are no members
   * @throws IllegalArgumentException if {@code virtualNodes} is less than 1, or members times
   *     virtual nodes exceeds {@link #MAX_POINTS}
   */
  public static HashRing of(Collection<NodeId> members, int virtualNodes) {
    return of(members, virtualNodes, XXH64);
  }

  /** As {@link #of(Collection, int)}, with another hash: tests use it to force collisions. */
  static HashRing of(Collection<NodeId> members, int virtualNodes, ToLongFunction<byte[]> hash) {
    if (virtualNodes < 1) {
      throw new IllegalArgumentException("virtualNodes must be at least 1, got " + virtualNodes);
    }
    List<NodeId> sorted = List.copyOf(new TreeSet<>(members));
    long total = (long) sorted.size() * virtualNodes;
    if (total > MAX_POINTS) {
      throw new IllegalArgumentException(
          "members x virtualNodes must be at most "
              + MAX_POINTS
              + ", got "
              + sorted.size()
              + " x "
              + virtualNodes
              + "; use fewer virtual nodes");
    }
    Point[] placed = new Point[(int) total];
    for (int m = 0; m < sorted.size(); m++) {
      String id = sorted.get(m).value();
      for (int i = 0; i < virtualNodes; i++) {
        byte[] label = (id + "#" + i).getBytes(StandardCharsets.UTF_8);
        placed[m * virtualNodes + i] = new Point(hash.applyAsLong(label), m);
      }
    }
    // Members are indexed in id order, so ties between points go to the smaller id.
    Arrays.sort(placed, Comparator.comparingLong(Point::at).thenComparingInt(Point::member));
    long[] points = new long[placed.length];
    int[] owners = new int[placed.length];
    for (int i = 0; i < placed.length; i++) {
      points[i] = placed[i].at();
      owners[i] = placed[i].member();
    }
    return new HashRing(sorted, virtualNodes, points, owners, hash);
  }

  /**
   * The member that owns a key: the first one clockwise from the key's hash.
   *
   * @param key the key, hashed as its UTF-8 bytes
   * @return the owner, or {@code null} if the ring is empty
   */
  public @Nullable NodeId owner(String key) {
    return owner(key.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The member that owns a key given as bytes: {@code owner(s)} is {@code
   * owner(s.getBytes(UTF_8))}.
   *
   * @param key the key's bytes, not modified or kept
   * @return the owner, or {@code null} if the ring is empty
   */
  public @Nullable NodeId owner(byte[] key) {
    if (points.length == 0) {
      return null;
    }
    return memberAt[pointOwner[firstPointAtOrAfter(hash.applyAsLong(key))]];
  }

  /**
   * The replica set of a key: the first {@code r} distinct members clockwise from the key's hash,
   * so {@code owners(key, r).get(0)} is {@code owner(key)}, and {@code owners(key, r)} is a prefix
   * of {@code owners(key, r + 1)}. A member that leaves is replaced by the next one clockwise; the
   * others keep their places.
   *
   * @param key the key, hashed as its UTF-8 bytes
   * @param r how many members are wanted, at least 1
   * @return {@code min(r, size())} distinct members, owner first; empty if the ring is
   * @throws IllegalArgumentException if {@code r} is less than 1
   */
  public List<NodeId> owners(String key, int r) {
    return owners(key.getBytes(StandardCharsets.UTF_8), r);
  }

  /**
   * The replica set of a key given as bytes; see {@link #owners(String, int)}.
   *
   * @param key the key's bytes, not modified or kept
   * @param r how many members are wanted, at least 1
   * @return {@code min(r, size())} distinct members, owner first; empty if the ring is
   * @throws IllegalArgumentException if {@code r} is less than 1
   */
  public List<NodeId> owners(byte[] key, int r) {
    if (r < 1) {
      throw new IllegalArgumentException("r (replicas wanted) must be at least 1, got " + r);
    }
    int wanted = Math.min(r, memberAt.length);
    if (wanted == 0) {
      return List.of();
    }
    List<NodeId> found = new ArrayList<>(wanted);
    boolean[] taken = new boolean[memberAt.length];
    // Terminates: every member has at least one point, so a full turn meets them all.
    for (int i = firstPointAtOrAfter(hash.applyAsLong(key)); found.size() < wanted; ) {
      int m = pointOwner[i];
      if (!taken[m]) {
        taken[m] = true;
        found.add(memberAt[m]);
      }
      i = i + 1 == points.length ? 0 : i + 1;
    }
    return Collections.unmodifiableList(found);
  }

  /**
   * The members, in id order.
   *
   * @return an unmodifiable list, without duplicates
   */
  public List<NodeId> members() {
    return members;
  }

  /**
   * How many members the ring holds.
   *
   * @return the number of distinct members
   */
  public int size() {
    return memberAt.length;
  }

  /**
   * Whether the ring has no member, so that every key's owner is {@code null}.
   *
   * @return {@code true} if there are no members
   */
  public boolean isEmpty() {
    return memberAt.length == 0;
  }

  /**
   * The points each member is placed at.
   *
   * @return the virtual-node count the ring was built with
   */
  public int virtualNodes() {
    return virtualNodes;
  }

  /** Index of the first point at or clockwise after {@code h}, wrapping past the last point. */
  private int firstPointAtOrAfter(long h) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  /**
   * Two rings are equal when they hold the same members with the same virtual-node count, and so
   * give every key the same owners.
   */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HashRing other
        && virtualNodes == other.virtualNodes
        && hash == other.hash
        && members.equals(other.members);
  }

  @Override
  public int hashCode() {
    return 31 * members.hashCode() + virtualNodes;
  }

  @Override
  public String toString() {
    return "HashRing" + members + " x " + virtualNodes + " virtual nodes";
  }

  /** One virtual node while the ring is built: where it sits and the index of its member. */
  private record Point(long at, int member) {}
}
