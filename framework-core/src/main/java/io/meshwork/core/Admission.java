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
    if (mine.incrementAndGet() > maxPerPeer) {
      mine.decrementAndGet();
      return new RejectedException(
          "Node " + self + " is overloaded: " + maxPerPeer + " calls from "
              + (peer == null ? "an anonymous client" : peer) + " already running; refused route '"
              + route + "'");
    }
    if (running.incrementAndGet() > maxHandlers) {
      running.decrementAndGet();
      mine.decrementAndGet();
      return new RejectedException(
          "Node " + self + " is overloaded: " + maxHandlers
              + " handlers already running; refused route '" + route + "'");
    }
    return null;
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
