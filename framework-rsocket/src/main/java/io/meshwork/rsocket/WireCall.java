package io.meshwork.rsocket;

import io.meshwork.Message;
import io.meshwork.NodeId;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One request-response or fire-and-forget over an rsocket-java requester, in one operator: encodes
 * the message when subscribed (rsocket-java's requesters accept one subscriber each, so every
 * subscription is a new request), decodes the reply and maps errors to Meshwork's types. It
 * replaces {@code defer}, {@code map(decode)} and {@code onErrorMap}, each an object and a
 * subscriber per call.
 *
 * <p>Buffers: the encoded payload is handed to rsocket-java, which releases it; a reply payload is
 * released by {@link MessageCodec#decodeFollowing} exactly once, whether decoding succeeds or not.
 * A decoding failure cancels the request and is signalled as the call's error.
 *
 * <p>The call is also the subscriber of its first subscription: one object per call. A further
 * subscription subscribes a fresh copy of it.
 */
final class WireCall<T> extends Mono<T> implements CoreSubscriber<Object>, Subscription {

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<WireCall> SUBSCRIBED =
      AtomicIntegerFieldUpdater.newUpdater(WireCall.class, "subscribed");

  private final RSocket rsocket;
  private final MessageCodec codec;
  private final Message message;
  private final NodeId peer;
  private final long lamportTime;
  private final boolean reply;
  private volatile int subscribed;
  /** The subscriber, set by the one subscription this object serves. */
  private @Nullable CoreSubscriber<? super Message> actual;
  private @Nullable Subscription upstream;
  private boolean done;

  private WireCall(
      RSocket rsocket,
      MessageCodec codec,
      Message message,
      long lamportTime,
      NodeId peer,
      boolean reply) {
    this.rsocket = rsocket;
    this.codec = codec;
    this.message = message;
    this.lamportTime = lamportTime;
    this.peer = peer;
    this.reply = reply;
  }

  /** A request-response sent at {@code lamportTime}; each subscription sends one request. */
  static Mono<Message> requestResponse(
      RSocket rsocket, MessageCodec codec, Message message, long lamportTime, NodeId peer) {
    return new WireCall<>(rsocket, codec, message, lamportTime, peer, true);
  }

  /** A fire-and-forget sent at {@code lamportTime}; each subscription sends it once. */
  static Mono<Void> fireAndForget(
      RSocket rsocket, MessageCodec codec, Message message, long lamportTime, NodeId peer) {
    return new WireCall<>(rsocket, codec, message, lamportTime, peer, false);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void subscribe(CoreSubscriber<? super T> actual) {
    if (!SUBSCRIBED.compareAndSet(this, 0, 1)) { // each subscription is a request of its own
      new WireCall<T>(rsocket, codec, message, lamportTime, peer, reply).subscribe(actual);
      return;
    }
    Mono<?> call;
    try {
      Payload request = codec.request(message, lamportTime);
      call = reply ? rsocket.requestResponse(request) : rsocket.fireAndForget(request);
    } catch (Throwable t) { // as Mono.defer would signal it, mapped as every error of the call
      Operators.error(
          actual,
          RSocketErrors.fromWire(
              Operators.onOperatorError(t, actual.currentContext()), message.route(), peer));
      return;
    }
    this.actual = (CoreSubscriber<? super Message>) actual;
    call.subscribe(this);
  }

  // As the subscriber: decodes the reply (if any) and maps errors; demand and cancel pass
  // straight through.

  private CoreSubscriber<? super Message> actual() {
    CoreSubscriber<? super Message> a = actual;
    if (a == null) {
      throw new IllegalStateException("WireCall signalled before it was subscribed");
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
  public void onNext(Object next) {
    Payload p = (Payload) next;
    if (done) {
      p.release();
      return;
    }
    Message m;
    try {
      m = codec.decodeFollowing(p, message.route(), peer, true); // releases p
    } catch (Throwable t) {
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      onError(Operators.onOperatorError(t, actual().currentContext()));
      return;
    }
    actual().onNext(m);
  }

  @Override
  public void onError(Throwable t) {
    if (done) {
      Operators.onErrorDropped(t, actual().currentContext());
      return;
    }
    done = true;
    actual().onError(RSocketErrors.fromWire(t, message.route(), peer));
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
