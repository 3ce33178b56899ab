package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.rsocket.frame.FrameType;
import io.rsocket.lease.Lease;
import io.rsocket.lease.TrackingLeaseSender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final AtomicInteger running = new AtomicInteger();
  /** Permits of the last lease whose request has not arrived yet. */
  private final AtomicInteger unused = new AtomicInteger();
  private final Sinks.Many<Lease> grants = Sinks.many().unicast().onBackpressureBuffer();

  PermitSender(int permits, Duration timeToLive) {
    this.permits = permits;
    this.timeToLive = timeToLive;
  }

  @Override
  public Flux<Lease> send() {
    return Flux.merge(
        Flux.just(permits).doOnNext(unused::set).map(this::lease),
        Flux.interval(timeToLive.dividedBy(2), timeToLive.dividedBy(2))
            .map(tick -> lease(unused.get())),
        grants.asFlux());
  }

  private Lease lease(int requests) {
    return Lease.create(timeToLive, requests);
  }

  @Override
  public void onStart(int streamId, FrameType requestType, @Nullable ByteBuf metadata) {
    running.incrementAndGet();
    if (unused.decrementAndGet() <= 0) {
      grantWhatIsFree();
    }
  }

  @Override
  public void onTerminate(int streamId, FrameType requestType, @Nullable Throwable t) {
    ended();
  }

  @Override
  public void onCancel(int streamId, FrameType requestType) {
    ended();
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

  private void ended() {
    running.decrementAndGet();
    if (unused.get() <= 0) {
      grantWhatIsFree();
    }
  }

  /** Every request of the last lease has arrived: a new lease of what is free, if anything is. */
  private void grantWhatIsFree() {
    int free = permits - running.get();
    if (free > 0 && unused.compareAndSet(Math.min(0, unused.get()), free)) {
      grants.emitNext(lease(free), Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }
  }
}
