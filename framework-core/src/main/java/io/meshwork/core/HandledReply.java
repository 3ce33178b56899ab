package io.meshwork.core;

import io.meshwork.Message;
import io.meshwork.NodeId;
import java.util.Objects;
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
 */
final class HandledReply extends Mono<Message> {

  private final Mono<Message> handled;
  private final Router router;
  private final String route;
  private final Admission admission;
  private final @Nullable NodeId peer;
  private volatile int released; // on the publisher: one slot, however often it is subscribed

  private static final AtomicIntegerFieldUpdater<HandledReply> RELEASED =
      AtomicIntegerFieldUpdater.newUpdater(HandledReply.class, "released");

  /** The slot {@code peer}'s call took in {@code admission} is freed when the handler ends. */
  HandledReply(Mono<Message> handled, Router router, String route, Admission admission, @Nullable NodeId peer) {
    this.handled = Objects.requireNonNull(handled, "the handler returned null"); // as map() would
    this.router = router;
    this.route = route;
    this.admission = admission;
    this.peer = peer;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Message> actual) {
    handled.subscribe(new Stamping(actual, this));
  }

  private static final class Stamping implements CoreSubscriber<Message>, Subscription {
    private final CoreSubscriber<? super Message> actual;
    private final HandledReply reply;
    private @Nullable Subscription upstream;
    private boolean done;

    Stamping(CoreSubscriber<? super Message> actual, HandledReply reply) {
      this.actual = actual;
      this.reply = reply;
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
    public void onNext(Message m) {
      if (done) {
        Operators.onNextDropped(m, actual.currentContext());
        return;
      }
      Message stamped;
      try {
        stamped = reply.router.stamp(m);
      } catch (Throwable t) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        onError(Operators.onOperatorError(t, actual.currentContext()));
        return;
      }
      release(); // a Mono's one reply: the handler is done with its slot
      actual.onNext(stamped);
    }

    @Override
    public void onError(Throwable t) {
      if (done) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      done = true;
      release();
      actual.onError(reply.router.failed(reply.route, t));
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
      if (RELEASED.compareAndSet(reply, 0, 1)) {
        reply.admission.release(reply.peer);
      }
    }
  }
}
