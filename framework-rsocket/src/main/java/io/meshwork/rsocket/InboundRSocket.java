package io.meshwork.rsocket;

import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.MeshworkException;
import io.meshwork.error.UnauthenticatedException;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.netty.buffer.ByteBuf;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The responder side of one connection: decodes what the peer sends, hands it to the node's
 * {@link Responder}, and encodes the answers. Runs on the connection's event loop and adds no
 * thread hop and no prefetch. On the dialling side it also receives the accepting node's identity
 * (the METADATA_PUSH that completes the handshake).
 */
final class InboundRSocket implements RSocket {

  private static final Logger log = LoggerFactory.getLogger(InboundRSocket.class);

  private final Responder responder;
  private final MessageCodec codec;
  private final PeerInfo local;
  private final boolean composite;
  private final Sinks.@Nullable One<PeerInfo> hello;
  private final @Nullable BiConsumer<ByteBuf, PeerInfo> helloCheck;
  private volatile @Nullable NodeId peer;

  /** The accepting side: the peer is known from its SETUP (or {@code null}: a plain client). */
  static InboundRSocket accepted(
      Responder responder,
      MessageCodec codec,
      PeerInfo local,
      boolean composite,
      @Nullable NodeId peer) {
    return new InboundRSocket(responder, codec, local, composite, peer, null, null);
  }

  /**
   * The dialling side: the peer is learnt from its hello, which {@code helloCheck} (if not null)
   * verifies first, from the hello's metadata, throwing {@link UnauthenticatedException} if it
   * fails; the failure then ends {@code hello}.
   */
  static InboundRSocket dialled(
      Responder responder,
      MessageCodec codec,
      PeerInfo local,
      Sinks.One<PeerInfo> hello,
      @Nullable BiConsumer<ByteBuf, PeerInfo> helloCheck) {
    return new InboundRSocket(responder, codec, local, true, null, hello, helloCheck);
  }

  private InboundRSocket(
      Responder responder,
      MessageCodec codec,
      PeerInfo local,
      boolean composite,
      @Nullable NodeId peer,
      Sinks.@Nullable One<PeerInfo> hello,
      @Nullable BiConsumer<ByteBuf, PeerInfo> helloCheck) {
    this.responder = responder;
    this.codec = codec;
    this.local = local;
    this.composite = composite;
    this.peer = peer;
    this.hello = hello;
    this.helloCheck = helloCheck;
  }

  @Override
  public Mono<Void> fireAndForget(Payload payload) {
    Message m;
    try {
      m = decode(payload);
    } catch (MeshworkException e) {
      log.warn("Dropped a fire-and-forget message from {}: {}", peer, e.getMessage());
      return Mono.error(RSocketErrors.toWire(e));
    }
    return responder.fireAndForget(m);
  }

  @Override
  public Mono<Payload> requestResponse(Payload payload) {
    Message m;
    try {
      m = decode(payload);
    } catch (MeshworkException e) {
      return Mono.error(RSocketErrors.toWire(e));
    }
    return new EncodedReply(responder.requestResponse(m), codec, composite);
  }

  @Override
  public Flux<Payload> requestStream(Payload payload) {
    Message m;
    try {
      m = decode(payload);
    } catch (MeshworkException e) {
      return Flux.error(RSocketErrors.toWire(e));
    }
    return responder
        .requestStream(m)
        .map(reply -> codec.following(reply, composite))
        .onErrorMap(RSocketErrors::toWire);
  }

  @Override
  public Flux<Payload> requestChannel(Publisher<Payload> payloads) {
    return Flux.defer(
        () -> {
          String[] route = new String[1];
          NodeId sender = peer;
          Flux<Message> inbound =
              Flux.from(payloads)
                  .map(
                      p -> {
                        if (route[0] == null) {
                          Message first = decode(p);
                          route[0] = first.route();
                          return first;
                        }
                        return codec.decodeFollowing(p, route[0], sender, composite);
                      });
          return responder
              .requestChannel(inbound)
              .map(reply -> codec.following(reply, composite))
              .onErrorMap(RSocketErrors::toWire);
        });
  }

  /** Decodes a request's first frame (releasing it), refusing oversize data before copying. */
  private Message decode(Payload p) {
    return codec.decodeRequest(
        p, composite, peer, local.maxInboundPayloadSize(), local.id().value());
  }

  @Override
  public Mono<Void> metadataPush(Payload payload) {
    try {
      Sinks.One<PeerInfo> h = hello;
      if (h == null || !payload.hasMetadata()) {
        log.debug("Ignored a METADATA_PUSH from {}", peer);
        return Mono.empty();
      }
      PeerInfo info = PeerInfoCodec.decode(payload.metadata());
      // Only the first hello counts: a peer may not change who it is mid-connection.
      if (info != null && peer == null) {
        BiConsumer<ByteBuf, PeerInfo> check = helloCheck;
        if (check != null) {
          check.accept(payload.metadata(), info);
        }
        peer = info.id();
        h.tryEmitValue(info);
      }
      return Mono.empty();
    } catch (InvalidRequestException | UnauthenticatedException e) {
      Sinks.One<PeerInfo> h = hello;
      if (h != null) {
        h.tryEmitError(e);
      }
      return Mono.empty();
    } finally {
      payload.release();
    }
  }
}
