package io.meshwork.benchmarks;

import io.meshwork.CallOptions;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.Target;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Meshwork node calling the server's node by member id, as an application does. The messages
 * are built once (they are immutable); every call goes through {@code Node.request / send /
 * stream} with the node's call options.
 */
final class MeshworkClient implements BenchClient {

  private final Node node;
  private final Target target;
  private final Message echo;
  private final Message sink;
  private final Message count;
  private final int payloadSize;

  /**
   * Starts a client node and connects it to the server node.
   *
   * @param options the node's call options
   * @param payloadSize bytes per request
   */
  MeshworkClient(CallOptions options, int payloadSize) {
    this(options, payloadSize, false);
  }

  /**
   * Starts a client node and connects it to the server's node with or without leases.
   *
   * @param options the node's call options
   * @param payloadSize bytes per request
   * @param leases whether both ends use RSocket leases (the server's leased node)
   */
  MeshworkClient(CallOptions options, int payloadSize, boolean leases) {
    this.node =
        Node.builder()
            .bind(Ports.HOST, 0)
            .transport(Wire.meshworkTransport(leases))
            .callOptions(options)
            .build()
            .start()
            .block(Wire.TIMEOUT);
    this.payloadSize = payloadSize;
    // Dial by address once; from then on the server is a known member.
    int port = Ports.port(leases ? Ports.MESHWORK_LEASES : Ports.MESHWORK);
    node.request(Target.address(Ports.HOST + ":" + port), Message.of(Wire.ECHO))
        .block(Wire.TIMEOUT);
    this.target =
        Target.member(NodeId.of(leases ? Wire.LEASED_SERVER_NODE_ID : Wire.SERVER_NODE_ID));
    this.echo = Message.of(Wire.ECHO, new byte[payloadSize]);
    this.sink = Message.of(Wire.SINK, new byte[payloadSize]);
    this.count = Message.of(Wire.COUNT);
  }

  @Override
  public Mono<Integer> call() {
    return node.request(target, echo).map(Message::payloadSize);
  }

  @Override
  public Mono<Void> send() {
    return node.send(target, sink);
  }

  @Override
  public Mono<Long> received() {
    return node.request(target, count).map(m -> m.payload().getLong());
  }

  @Override
  public Flux<Integer> stream(int items) {
    return node.stream(target, Message.of(Wire.STREAM, Wire.streamRequest(items, payloadSize)))
        .map(Message::payloadSize);
  }

  @Override
  public void close() {
    node.shutdown().block(Wire.TIMEOUT);
  }
}
