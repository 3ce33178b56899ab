package io.meshwork.core;

import io.meshwork.Message;
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
 * A request-response handler's answer as the {@link Router} passes it on, in one operator: the
 * reply leaves stamped with the node's next Lamport time, and any failure becomes the typed error
 * the caller will see. It replaces {@code map(stamp)} and {@code onErrorMap(failed)}, each an
 * object, a subscriber and a lambda per request. No prefetch: demand passes straight through.
 *
 * <p>It is also the subscriber of its first subscription, so a request costs one object here; a
 * further subscription subscribes a copy that frees the same single slot.
 */
final class HandledReply extends Mono<Message> implements CoreSubscriber<Message>, Subscription {

  private final Mono<Message> handled;
  private final Router router;
  private final String route;
  private final Admission admission;
  private final AtomicInteger slots;
  private volatile int released; // on the owner: one slot, however often it is subscribed
  /** This, or for a further subscription the HandledReply whose copy this is: it holds the slot. */
  private final HandledReply owner;
  private volatile int subscribed;
  /** The subscriber, set by the one subscription this object serves. */
  private @Nullable CoreSubscriber<? super Message> actual;
  private @Nullable Subscription upstream;
  private boolean done;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<HandledReply> SUBSCRIBED =
      AtomicIntegerFieldUpdater.newUpdater(HandledReply.class, "subscribed");

  private static final AtomicIntegerFieldUpdater<HandledReply> RELEASED =
      AtomicIntegerFieldUpdater.newUpdater(HandledReply.class, "released");

  /**
   * The slot the call took in {@code admission} ({@code slots}: its peer's counter) is freed
   * when the handler ends.
   */
  HandledReply(
      Mono<Message> handled, Router router, String route, Admission admission, AtomicInteger slots) {
    this.handled = Objects.requireNonNull(handled, "the handler returned null"); // as map() would
    this.router = router;
    this.route = route;
    this.admission = admission;
    this.slots = slots;
    this.owner = this;
  }

  /** A copy of {@code first} for a further subscription; the slot stays {@code first}'s. */
  private HandledReply(HandledReply first) {
    this.handled = first.handled;
    this.router = first.router;
    this.route = first.route;
    this.admission = first.admission;
    this.slots = first.slots;
    this.owner = first.owner;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Message> actual) {
    if (!SUBSCRIBED.compareAndSet(this, 0, 1)) { // the object is its first subscriber only
      new HandledReply(this).subscribe(actual);
      return;
    }
    this.actual = actual;
    handled.subscribe(this);
  }

  private CoreSubscriber<? super Message> actual() {
    CoreSubscriber<? super Message> a = actual;
    if (a == null) {
      throw new IllegalStateException("HandledReply signalled before it was subscribed");
    }
    return a;
  }

  @Override
  public Context currentContext() {
    return actual().currentContext();
  }

  @Override
  public void onSubscribe(Subscription s) {
    if (Operators.validate(upstream, s)) {
      upstream = s;
      actual().onSubscribe(this);
    }
  }

  @Override
  public void onNext(Message m) {
    if (done) {
      Operators.onNextDropped(m, actual().currentContext());
      return;
    }
    Message stamped;
    try {
      stamped = router.stamp(m);
    } catch (Throwable t) {
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      onError(Operators.onOperatorError(t, actual().currentContext()));
      return;
    }
    release(); // a Mono's one reply: the handler is done with its slot
    actual().onNext(stamped);
  }

  @Override
  public void onError(Throwable t) {
    if (done) {
      Operators.onErrorDropped(t, actual().currentContext());
      return;
    }
    done = true;
    release();
    actual().onError(router.failed(route, t));
  }

  @Override
  public void onComplete() {
    if (!done) {
      done = true;
      release();
      actual().onComplete();
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
    if (RELEASED.compareAndSet(owner, 0, 1)) {
      admission.release(slots);
    }
  }
}
