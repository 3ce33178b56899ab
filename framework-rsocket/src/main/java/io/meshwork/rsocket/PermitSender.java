package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.rsocket.frame.FrameType;
import io.rsocket.lease.Lease;
import io.rsocket.lease.TrackingLeaseSender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * RSocket leases as a per-connection concurrency limit: the peer may have at most {@code permits}
 * requests running here. The first lease grants them all. A lease replaces the last one at both
 * ends, so a new one is granted only once every request the last one allowed has arrived: then
 * none is still on the wire to eat into the new allowance, and the new one grants exactly what is
 * free (the permits less what runs). That moment is the arrival of the last allowed request if
 * anything is free then, else the end of the next run.
 *
 * <p>A peer that honours leases (every Meshwork node with leases on) holds a call back at its own
 * end while it has no permit, queueing a bounded number and refusing the rest there with {@code
 * RejectedException}: a flooding peer costs this node nothing beyond its permits. A request
 * that arrives without a permit anyway is refused by rsocket-java with REJECTED. One instance per
 * connection; thread-safe.
 *
 * <p>A lease lasts {@code timeToLive} and is renewed with what is unused every half of it; a
 * renewal may race requests on the wire (refused with REJECTED, which is safe to retry), hence
 * the long default.
 */
final class PermitSender implements TrackingLeaseSender {

  private final int permits;
  private final Duration timeToLive;

  /**
   * The requests running (high 32 bits) and the permits of the last lease whose request has not
   * arrived yet (low 32 bits, signed), changed together by one compare-and-set, with the decision
   * to grant. Kept apart, a thread deciding to grant from a count it read before another request
   * arrived could still win its compare-and-set once that request had arrived (the unused count
   * back to where it read it) and grant a permit that is not free: seen once in LeaseTest, 9
   * handlers at once on 8 permits.
   */
  private final AtomicLong state = new AtomicLong();

  private final Sinks.Many<Lease> grants = Sinks.many().unicast().onBackpressureBuffer();

  PermitSender(int permits, Duration timeToLive) {
    this.permits = permits;
    this.timeToLive = timeToLive;
  }

  @Override
  public Flux<Lease> send() {
    return Flux.merge(
        Flux.just(permits).doOnNext(this::firstLease).map(this::lease),
        Flux.interval(timeToLive.dividedBy(2), timeToLive.dividedBy(2))
            .map(tick -> lease(unused(state.get()))),
        grants.asFlux());
  }

  private Lease lease(int requests) {
    return Lease.create(timeToLive, requests);
  }

  private void firstLease(int requests) {
    state.updateAndGet(s -> pack(running(s), requests));
  }

  @Override
  public void onStart(int streamId, FrameType requestType, @Nullable ByteBuf metadata) {
    change(+1, -1);
  }

  @Override
  public void onTerminate(int streamId, FrameType requestType, @Nullable Throwable t) {
    change(-1, 0);
  }

  @Override
  public void onCancel(int streamId, FrameType requestType) {
    change(-1, 0);
  }

  @Override
  public void onReject(
      Throwable rejectionReason, FrameType requestType, @Nullable ByteBuf metadata) {
    // never started: nothing to count
  }

  @Override
  public void dispose() {
    grants.tryEmitComplete();
  }

  /**
   * Adds to the running requests and the unused permits; then, if every request the last lease
   * allowed has arrived and something is free, makes the free permits the new lease's, in the same
   * compare-and-set, and grants them.
   */
  private void change(int runningDelta, int unusedDelta) {
    long s;
    int grant;
    long next;
    do {
      s = state.get();
      int running = running(s) + runningDelta;
      int unused = unused(s) + unusedDelta;
      grant = unused <= 0 ? permits - running : 0;
      next = pack(running, grant > 0 ? grant : unused);
    } while (!state.compareAndSet(s, next));
    if (grant > 0) {
      grants.emitNext(lease(grant), Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }
  }

  /** Requests running now. */
  int running() {
    return running(state.get());
  }

  /** Permits of the last lease whose request has not arrived yet (negative: more arrived). */
  int unused() {
    return unused(state.get());
  }

  private static long pack(int running, int unused) {
    return ((long) running << 32) | (unused & 0xFFFF_FFFFL);
  }

  private static int running(long state) {
    return (int) (state >> 32);
  }

  private static int unused(long state) {
    return (int) state;
  }
}
