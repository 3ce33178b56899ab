package io.meshwork.core;

import io.meshwork.NodeId;
import io.meshwork.error.RejectedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Overload protection: at most so many handlers run at once on this node, and at most so many of
 * them for one peer (one connection per peer, so this is the per-connection cap). Beyond either,
 * a call is refused with {@link RejectedException} — safe to retry, per the RSocket spec — rather
 * than queued without bound. Thread-safe; two atomic counters per call.
 */
final class Admission {

  private final int maxHandlers;
  private final int maxPerPeer;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger anonymous = new AtomicInteger(); // plain RSocket clients, no id
  private final Map<NodeId, AtomicInteger> perPeer = new ConcurrentHashMap<>();
  private final NodeId self;

  Admission(NodeId self, int maxHandlers, int maxPerPeer) {
    this.self = self;
    this.maxHandlers = maxHandlers;
    this.maxPerPeer = maxPerPeer;
  }

  /**
   * Takes a slot for one handler run, or says why not.
   *
   * @return {@code null} if admitted (then {@link #release} once it ends), else the refusal
   */
  @Nullable RejectedException tryAcquire(@Nullable NodeId peer, String route) {
    return tryAcquire(slotsOf(peer), peer, route);
  }

  /**
   * {@link #tryAcquire(NodeId, String)} with the peer's counter already looked up: a call's one
   * lookup serves both its acquire and its {@link #release(AtomicInteger)}.
   *
   * @param mine {@link #slotsOf} the peer
   * @return {@code null} if admitted (then {@link #release(AtomicInteger)} once it ends), else the
   *     refusal
   */
  @Nullable RejectedException tryAcquire(AtomicInteger mine, @Nullable NodeId peer, String route) {
    int verdict = tryAcquire(mine);
    return verdict == ADMITTED ? null : refusal(verdict, peer, route);
  }

  /** {@link #tryAcquire(AtomicInteger)}: a slot was taken. */
  static final int ADMITTED = 0;
  /** {@link #tryAcquire(AtomicInteger)}: the peer's cap is reached. */
  static final int PEER_FULL = 1;
  /** {@link #tryAcquire(AtomicInteger)}: the node's cap is reached. */
  static final int NODE_FULL = 2;

  /**
   * Takes a slot for one handler run, without describing a refusal: for the paths that drop a
   * refused call rather than answer it (fire-and-forget), so a flood costs two atomic counters
   * per message and no allocation.
   *
   * @param mine {@link #slotsOf} the peer
   * @return {@link #ADMITTED} (then {@link #release(AtomicInteger)} once it ends), {@link
   *     #PEER_FULL} or {@link #NODE_FULL}
   */
  int tryAcquire(AtomicInteger mine) {
    if (mine.incrementAndGet() > maxPerPeer) {
      mine.decrementAndGet();
      return PEER_FULL;
    }
    if (running.incrementAndGet() > maxHandlers) {
      running.decrementAndGet();
      mine.decrementAndGet();
      return NODE_FULL;
    }
    return ADMITTED;
  }

  /** Says why a call was refused; stackless, since refusals come in floods. */
  RejectedException refusal(int verdict, @Nullable NodeId peer, String route) {
    return RejectedException.withoutStackTrace(
        verdict == PEER_FULL
            ? "Node " + self + " is overloaded: " + maxPerPeer + " calls from "
                + (peer == null ? "an anonymous client" : peer)
                + " already running; refused route '" + route + "'"
            : "Node " + self + " is overloaded: " + maxHandlers
                + " handlers already running; refused route '" + route + "'");
  }

  void release(@Nullable NodeId peer) {
    release(slotsOf(peer));
  }

  /** Frees a slot taken with {@link #tryAcquire(AtomicInteger, NodeId, String)}. */
  void release(AtomicInteger mine) {
    running.decrementAndGet();
    mine.decrementAndGet();
  }

  /** The counter of the handlers running for {@code peer} (or for anonymous clients). */
  AtomicInteger slotsOf(@Nullable NodeId peer) {
    if (peer == null) {
      return anonymous;
    }
    AtomicInteger c = perPeer.get(peer);
    return c != null ? c : perPeer.computeIfAbsent(peer, p -> new AtomicInteger());
  }

  /** Handlers running now. */
  int running() {
    return running.get();
  }
}
