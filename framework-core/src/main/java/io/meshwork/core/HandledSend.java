package io.meshwork.core;

import io.meshwork.Interaction;
import io.meshwork.core.metrics.Metered;
import io.meshwork.spi.CallOutcome;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A fire-and-forget handler's completion as the {@link Router} passes it on, in one operator: a
 * failure is logged (the sender is not waiting for it) and the message counts as handled. It
 * replaces {@code onErrorResume} and the lambda it took per message. Demand and cancel pass
 * straight through. When the node is metered, each subscription is timed here, before the failure
 * is swallowed, so a failed handler is recorded as {@code handler_failed}.
 */
final class HandledSend extends Mono<Void> {

  private final Mono<Void> handled;
  private final Router router;
  private final String route;
  private final Admission admission;
  private final AtomicInteger slots;
  private final @Nullable Metered metered;
  private volatile int released; // on the publisher: one slot, however often it is subscribed

  private static final AtomicIntegerFieldUpdater<HandledSend> RELEASED =
      AtomicIntegerFieldUpdater.newUpdater(HandledSend.class, "released");

  /**
   * The slot the call took in {@code admission} ({@code slots}: its peer's counter) is freed
   * when the handler ends; {@code metered}, if not null, times it.
   */
  HandledSend(
      Mono<Void> handled,
      Router router,
      String route,
      Admission admission,
      AtomicInteger slots,
      @Nullable Metered metered) {
    this.handled = Objects.requireNonNull(handled, "the handler returned null");
    this.router = router;
    this.route = route;
    this.admission = admission;
    this.slots = slots;
    this.metered = metered;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    Metered m = metered;
    handled.subscribe(new Logging(actual, this, m == null ? 0 : m.begin()));
  }

  private static final class Logging implements CoreSubscriber<Void>, Subscription {
    private final CoreSubscriber<? super Void> actual;
    private final HandledSend send;
    private final long start;
    private @Nullable Subscription upstream;
    private boolean done;
    private volatile int timed; // the timing ended: once, a cancel racing the end

    private static final AtomicIntegerFieldUpdater<Logging> TIMED =
        AtomicIntegerFieldUpdater.newUpdater(Logging.class, "timed");

    Logging(CoreSubscriber<? super Void> actual, HandledSend send, long start) {
      this.actual = actual;
      this.send = send;
      this.start = start;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(Void v) {
      // a Mono<Void> emits nothing
    }

    @Override
    public void onError(Throwable t) {
      if (done) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      done = true;
      release();
      send.router.sendFailed(send.route, t);
      timed(CallOutcome.HANDLER_FAILED);
      actual.onComplete();
    }

    @Override
    public void onComplete() {
      if (!done) {
        done = true;
        release();
        timed(CallOutcome.SUCCESS);
        actual.onComplete();
      }
    }

    @Override
    public void request(long n) {
      Subscription s = upstream;
      if (s != null) {
        s.request(n);
      }
    }

    @Override
    public void cancel() {
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      release();
      timed(CallOutcome.CANCELLED);
    }

    /** Records the timing, once, if the node is metered. */
    private void timed(CallOutcome outcome) {
      Metered m = send.metered;
      if (m != null && TIMED.compareAndSet(this, 0, 1)) {
        m.end(start, send.route, Interaction.FIRE_AND_FORGET, true, outcome);
      }
    }

    /** Frees the admission slot once, before the end is signalled on. */
    private void release() {
      if (RELEASED.compareAndSet(send, 0, 1)) {
        send.admission.release(send.slots);
      }
    }
  }
}
