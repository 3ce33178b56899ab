package io.meshwork.rsocket;

import io.meshwork.Message;
import io.rsocket.Payload;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A responder's answer to one request-response, in one operator: encodes the reply and turns any
 * error into its wire form. It replaces {@code map(encode)} and {@code onErrorMap(toWire)}, each an
 * object and a subscriber per request. It is also the subscriber of its first subscription (one
 * object per request); a further subscription subscribes a fresh copy.
 *
 * <p>Buffers: the encoded payload goes to rsocket-java, which releases it once written.
 */
final class EncodedReply extends Mono<Payload> implements CoreSubscriber<Message>, Subscription {

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<EncodedReply> SUBSCRIBED =
      AtomicIntegerFieldUpdater.newUpdater(EncodedReply.class, "subscribed");

  private final Mono<Message> reply;
  private final MessageCodec codec;
  private final boolean composite;
  private volatile int subscribed;
  /** The subscriber, set by the one subscription this object serves. */
  private @Nullable CoreSubscriber<? super Payload> actual;
  private @Nullable Subscription upstream;
  private boolean done;

  EncodedReply(Mono<Message> reply, MessageCodec codec, boolean composite) {
    this.reply = reply;
    this.codec = codec;
    this.composite = composite;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Payload> actual) {
    if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
      new EncodedReply(reply, codec, composite).subscribe(actual);
      return;
    }
    this.actual = actual;
    reply.subscribe(this);
  }

  private CoreSubscriber<? super Payload> actual() {
    CoreSubscriber<? super Payload> a = actual;
    if (a == null) {
      throw new IllegalStateException("EncodedReply signalled before it was subscribed");
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
    Payload p;
    try {
      p = codec.following(m, composite);
    } catch (Throwable t) {
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      onError(Operators.onOperatorError(t, actual().currentContext()));
      return;
    }
    actual().onNext(p);
  }

  @Override
  public void onError(Throwable t) {
    if (done) {
      Operators.onErrorDropped(t, actual().currentContext());
      return;
    }
    done = true;
    actual().onError(RSocketErrors.toWire(t));
  }

  @Override
  public void onComplete() {
    if (!done) {
      done = true;
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
  }
}
