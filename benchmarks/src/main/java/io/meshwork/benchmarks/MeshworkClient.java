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
    this.node =
        Node.builder()
            .bind(Ports.HOST, 0)
            .transport(Wire.meshworkTransport())
            .callOptions(options)
            .build()
            .start()
            .block(Wire.TIMEOUT);
    this.payloadSize = payloadSize;
    // Dial by address once; from then on the server is a known member.
    node.request(
            Target.address(Ports.HOST + ":" + Ports.port(Ports.MESHWORK)), Message.of(Wire.ECHO))
        .block(Wire.TIMEOUT);
    this.target = Target.member(NodeId.of(Wire.SERVER_NODE_ID));
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
