package io.meshwork.rsocket;

import io.rsocket.Closeable;
import io.rsocket.transport.ServerTransport;
import io.rsocket.transport.netty.TcpDuplexConnection;
import java.net.InetSocketAddress;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * rsocket-java's TCP server transport with the {@link FrameSplitter} in place of its length
 * codec: each accepted connection is framed by the splitter and handed to rsocket as its own
 * {@link TcpDuplexConnection}, as {@code TcpServerTransport} does.
 */
final class FramedTcpServer implements ServerTransport<FramedTcpServer.Bound> {

  private final TcpServer tcp;

  FramedTcpServer(TcpServer tcp) {
    this.tcp = tcp;
  }

  @Override
  public Mono<Bound> start(ConnectionAcceptor acceptor) {
    return tcp.doOnConnection(
            c -> {
              c.addHandlerLast(FrameSplitter.NAME, new FrameSplitter());
              acceptor
                  .apply(new TcpDuplexConnection("server", c))
                  .then(Mono.<Void>never())
                  .subscribe(c.disposeSubscriber());
            })
        .bind()
        .map(Bound::new);
  }

  /** The bound server socket; disposing it stops accepting (connections close on their own). */
  record Bound(DisposableServer channel) implements Closeable {

    InetSocketAddress address() {
      return (InetSocketAddress) channel.address();
    }

    @Override
    public Mono<Void> onClose() {
      return channel.onDispose();
    }

    @Override
    public void dispose() {
      channel.dispose();
    }

    @Override
    public boolean isDisposed() {
      return channel.isDisposed();
    }
  }
}
