package io.meshwork.rsocket;

import io.meshwork.Message;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The requester side of one connection to a known peer. Encodes per subscription (rsocket-java's
 * requesters accept one subscriber each), so every verb may be re-subscribed.
 */
final class RSocketConnection implements Connection {

  private final RSocket rsocket;
  private final PeerInfo remote;
  private final MessageCodec codec;

  RSocketConnection(RSocket rsocket, PeerInfo remote, MessageCodec codec) {
    this.rsocket = rsocket;
    this.remote = remote;
    this.codec = codec;
  }

  @Override
  public PeerInfo remote() {
    return remote;
  }

  @Override
  public Mono<Void> fireAndForget(Message message) {
    return WireCall.fireAndForget(rsocket, codec, message, message.lamportTime(), remote.id());
  }

  @Override
  public Mono<Void> fireAndForget(Message message, long lamportTime) {
    return WireCall.fireAndForget(rsocket, codec, message, lamportTime, remote.id());
  }

  @Override
  public Mono<Message> requestResponse(Message message) {
    return WireCall.requestResponse(rsocket, codec, message, message.lamportTime(), remote.id());
  }

  @Override
  public Mono<Message> requestResponse(Message message, long lamportTime) {
    return WireCall.requestResponse(rsocket, codec, message, lamportTime, remote.id());
  }

  @Override
  public Flux<Message> requestStream(Message message) {
    String route = message.route();
    return Flux.defer(() -> rsocket.requestStream(codec.request(message)))
        .map(p -> codec.decodeFollowing(p, route, remote.id(), true))
        .onErrorMap(e -> RSocketErrors.fromWire(e, route, remote.id()));
  }

  @Override
  public Flux<Message> requestChannel(Publisher<Message> messages) {
    return Flux.defer(
        () -> {
          String[] route = new String[1];
          Flux<Payload> outbound =
              Flux.from(messages)
                  .map(
                      m -> {
                        if (route[0] == null) {
                          route[0] = m.route();
                          return codec.request(m);
                        }
                        return codec.following(m, true);
                      });
          return rsocket
              .requestChannel(outbound)
              .map(p -> codec.decodeFollowing(p, routeOf(route), remote.id(), true))
              .onErrorMap(e -> RSocketErrors.fromWire(e, routeOf(route), remote.id()));
        });
  }

  private static String routeOf(String[] route) {
    return route[0] == null ? "<none>" : route[0];
  }

  @Override
  public Mono<Void> onClose() {
    return rsocket.onClose();
  }

  @Override
  public void dispose() {
    rsocket.dispose();
  }

  @Override
  public boolean isDisposed() {
    return rsocket.isDisposed();
  }

  @Override
  public String toString() {
    return "RSocketConnection{" + remote.id() + " at " + remote.address() + "}";
  }
}
