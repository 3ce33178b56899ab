package io.meshwork.core;

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
 * straight through.
 */
final class HandledSend extends Mono<Void> {

  private final Mono<Void> handled;
  private final Router router;
  private final String route;
  private final Admission admission;
  private final AtomicInteger slots;
  private volatile int released; // on the publisher: one slot, however often it is subscribed

  private static final AtomicIntegerFieldUpdater<HandledSend> RELEASED =
      AtomicIntegerFieldUpdater.newUpdater(HandledSend.class, "released");

  /**
   * The slot the call took in {@code admission} ({@code slots}: its peer's counter) is freed
   * when the handler ends.
   */
  HandledSend(
      Mono<Void> handled, Router router, String route, Admission admission, AtomicInteger slots) {
    this.handled = Objects.requireNonNull(handled, "the handler returned null");
    this.router = router;
    this.route = route;
    this.admission = admission;
    this.slots = slots;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    handled.subscribe(new Logging(actual, this));
  }

  private static final class Logging implements CoreSubscriber<Void>, Subscription {
    private final CoreSubscriber<? super Void> actual;
    private final HandledSend send;
    private @Nullable Subscription upstream;
    private boolean done;

    Logging(CoreSubscriber<? super Void> actual, HandledSend send) {
      this.actual = actual;
      this.send = send;
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
      actual.onComplete();
    }

    @Override
    public void onComplete() {
      if (!done) {
        done = true;
        release();
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
    }

    /** Frees the admission slot once, before the end is signalled on. */
    private void release() {
      if (RELEASED.compareAndSet(send, 0, 1)) {
        send.admission.release(send.slots);
      }
    }
  }
}
