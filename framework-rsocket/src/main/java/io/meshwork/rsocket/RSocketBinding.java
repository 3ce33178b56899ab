package io.meshwork.rsocket;

import io.meshwork.Address;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.UnauthenticatedException;
import io.meshwork.error.UnreachableException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.OwnedSubscriptions;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.TransportBinding;
import io.netty.channel.ChannelOption;
import io.rsocket.ConnectionSetupPayload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.exceptions.RejectedSetupException;
import io.rsocket.frame.FrameLengthCodec;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * One node's RSocket server plus the connections it dials. Tracks every connection, accepted or
 * dialled, and closes them all on {@link #dispose()}.
 */
final class RSocketBinding implements TransportBinding {

  private static final Logger log = LoggerFactory.getLogger(RSocketBinding.class);

  /** How a SETUP refused for want of authentication begins, so the dialler can tell. */
  private static final String UNAUTHENTICATED = "Unauthenticated: ";

  private final RSocketTransport.Settings settings;
  private final Responder responder;
  private final Address bindAddress;
  private final MessageCodec codec;
  private final int rsocketInboundLimit;
  private final Set<RSocket> connections = ConcurrentHashMap.newKeySet();
  private final OwnedSubscriptions watches = new OwnedSubscriptions();
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private volatile PeerInfo local;
  private volatile FramedTcpServer.@Nullable Bound server;
  private volatile boolean disposed;

  RSocketBinding(
      RSocketTransport.Settings settings, PeerInfo local, Address bindAddress, Responder responder) {
    this.settings = settings;
    this.local = local;
    this.bindAddress = bindAddress;
    this.responder = responder;
    this.codec = new MessageCodec(settings.allocator(), settings.coalesceUpTo() > 0);
    // rsocket-java requires its limit to be at least one whole frame.
    this.rsocketInboundLimit =
        (int)
            Math.min(
                Integer.MAX_VALUE,
                Math.max(
                    (long) local.maxInboundPayloadSize() + RSocketTransport.METADATA_ALLOWANCE,
                    FrameLengthCodec.FRAME_LENGTH_MASK));
  }

  Mono<TransportBinding> start() {
    TcpServer tcp =
        TcpServer.create()
            .host(bindAddress.host())
            .port(bindAddress.port())
            .childOption(ChannelOption.ALLOCATOR, settings.allocator())
            .doOnChannelInit((observer, channel, peer) -> settings.coalesce(channel));
    RSocketServer server = RSocketServer.create(this::accept);
    if (settings.leases()) {
      server.lease(settings::configureLeases);
    }
    return server
        .maxTimeToFirstFrame(settings.setupTimeout())
        .maxInboundPayloadSize(rsocketInboundLimit)
        .fragment(settings.fragmentSize())
        .payloadDecoder(FramePayloadDecoder.INSTANCE)
        .bind(new FramedTcpServer(tcp))
        .map(
            channel -> {
              this.server = channel;
              this.local =
                  new PeerInfo(
                      local.id(),
                      Address.of(
                          local.address().host(),
                          local.address().port() == 0
                              ? channel.address().getPort()
                              : local.address().port()),
                      local.maxInboundPayloadSize());
              watches.run(
                  channel
                      .onClose()
                      .doFinally(
                          s -> {
                            closed.tryEmitEmpty();
                            watches.dispose();
                          }));
              return (TransportBinding) this;
            });
  }

  /** SETUP received: learn who dialled, greet a Meshwork peer with our identity. */
  private Mono<RSocket> accept(ConnectionSetupPayload setup, RSocket sendingSocket) {
    boolean composite = MessageCodec.COMPOSITE_MIME.equals(setup.metadataMimeType());
    PeerInfo peer;
    try {
      peer = composite && setup.hasMetadata() ? PeerInfoCodec.decode(setup.metadata()) : null;
    } catch (InvalidRequestException e) {
      return Mono.error(new RejectedSetupException(e.getMessage()));
    }
    ClusterKey key = settings.clusterKey();
    byte[] nonce = null;
    if (key != null) {
      try {
        if (peer == null) {
          throw new UnauthenticatedException(
              "A plain RSocket client is not authenticated: this node requires a cluster key", null);
        }
        nonce = key.verifySetup(setup.metadata(), peer);
      } catch (UnauthenticatedException e) {
        log.warn("Node {} refused a connection: {}", local.id(), e.getMessage());
        return Mono.error(new RejectedSetupException(UNAUTHENTICATED + e.getMessage()));
      }
    }
    track(sendingSocket);
    InboundRSocket inbound =
        InboundRSocket.accepted(
            responder, codec, local, composite, peer == null ? null : peer.id());
    if (peer == null) {
      log.debug("Node {} accepted a plain RSocket client", local.id());
      return Mono.just(inbound);
    }
    RSocketConnection connection = new RSocketConnection(sendingSocket, peer, codec);
    // Register the peer before greeting it: once the dialler has our hello (and its start()
    // completes), it may be called back by id over this connection.
    responder.onConnection(connection);
    byte[] helloAuth = key == null ? null : key.helloEntry(local, nonce);
    return Mono.defer(
            () ->
                sendingSocket.metadataPush(
                    PeerInfoCodec.helloPayload(settings.allocator(), local, helloAuth)))
        .thenReturn(inbound);
  }

  @Override
  public PeerInfo local() {
    return local;
  }

  @Override
  public Mono<Connection> connect(Address remote) {
    return Mono.defer(
        () -> {
          if (disposed) {
            return Mono.error(
                new UnreachableException("Node " + local.id() + " is shut down", null));
          }
          Sinks.One<PeerInfo> hello = Sinks.one();
          ClusterKey key = settings.clusterKey();
          byte[] nonce = key == null ? null : ClusterKey.nonce();
          PeerInfo self = local;
          InboundRSocket inbound =
              InboundRSocket.dialled(
                  responder,
                  codec,
                  self,
                  hello,
                  key == null ? null : (metadata, peer) -> key.verifyHello(metadata, peer, nonce));
          TcpClient tcp =
              TcpClient.create()
                  .host(remote.host())
                  .port(remote.port())
                  .option(ChannelOption.ALLOCATOR, settings.allocator())
                  .doOnChannelInit((observer, channel, peer) -> settings.coalesce(channel));
          RSocketConnector connector = RSocketConnector.create();
          if (settings.leases()) {
            connector.lease(settings::configureLeases);
          }
          return connector
              .setupPayload(
                  PeerInfoCodec.setupPayload(self, key == null ? null : key.setupEntry(self, nonce)))
              .metadataMimeType(MessageCodec.COMPOSITE_MIME)
              .dataMimeType("application/octet-stream")
              .keepAlive(settings.keepAliveInterval(), settings.keepAliveMaxLifetime())
              .maxInboundPayloadSize(rsocketInboundLimit)
              .fragment(settings.fragmentSize())
              .payloadDecoder(FramePayloadDecoder.INSTANCE)
              .acceptor((setup, sending) -> Mono.just(inbound))
              .connect(new FramedTcpClient(tcp))
              .flatMap(
                  rsocket -> {
                    track(rsocket);
                    // The peer's hello, unless the connection closes first (a refused SETUP).
                    Mono<PeerInfo> closedFirst =
                        rsocket
                            .onClose()
                            .then(
                                Mono.error(
                                    () ->
                                        new UnreachableException(
                                            remote + " closed the connection during the handshake",
                                            null)));
                    return Mono.firstWithSignal(hello.asMono(), closedFirst)
                        .timeout(settings.setupTimeout())
                        .map(peer -> (Connection) new RSocketConnection(rsocket, peer, codec))
                        .doOnError(e -> rsocket.dispose())
                        .doOnCancel(rsocket::dispose);
                  })
              .onErrorMap(e -> failedDial(remote, e));
        });
  }

  /**
   * What a dial's failure means to the caller: an authentication failure, ours or reported by
   * the node dialled, is {@link UnauthenticatedException} (not retryable); anything else is
   * {@link UnreachableException}.
   */
  private Throwable failedDial(Address remote, Throwable e) {
    if (e instanceof UnauthenticatedException) {
      return new UnauthenticatedException(
          "Node " + local.id() + " refused " + remote + ": " + e.getMessage(), e);
    }
    if (e instanceof RejectedSetupException
        && String.valueOf(e.getMessage()).startsWith(UNAUTHENTICATED)) {
      return new UnauthenticatedException(
          remote + " refused node " + local.id() + ": " + e.getMessage(), e);
    }
    return new UnreachableException(
        "Node " + local.id() + " could not connect to " + remote + ": " + e, e);
  }

  private void track(RSocket rsocket) {
    connections.add(rsocket);
    if (disposed) { // raced with dispose(), which may have missed it
      connections.remove(rsocket);
      rsocket.dispose();
      return;
    }
    watches.run(rsocket.onClose().doFinally(s -> connections.remove(rsocket)));
  }

  @Override
  public Mono<Void> onClose() {
    return closed.asMono();
  }

  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    for (RSocket c : connections) {
      c.dispose();
    }
    connections.clear();
    FramedTcpServer.Bound s = server;
    if (s != null) {
      s.dispose(); // its watch then completes `closed` and disposes the watches
    } else {
      watches.dispose();
      closed.tryEmitEmpty();
    }
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }
}
