package io.meshwork.rsocket;

import io.rsocket.DuplexConnection;
import io.rsocket.transport.ClientTransport;
import io.rsocket.transport.netty.TcpDuplexConnection;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;

/**
 * rsocket-java's TCP client transport with the {@link FrameSplitter} in place of its length
 * codec, as {@link FramedTcpServer} is for the accepting side.
 */
final class FramedTcpClient implements ClientTransport {

  private final TcpClient tcp;

  FramedTcpClient(TcpClient tcp) {
    this.tcp = tcp;
  }

  @Override
  public Mono<DuplexConnection> connect() {
    return tcp.doOnConnected(c -> c.addHandlerLast(FrameSplitter.NAME, new FrameSplitter()))
        .connect()
        .map(c -> new TcpDuplexConnection("client", c));
  }
}
