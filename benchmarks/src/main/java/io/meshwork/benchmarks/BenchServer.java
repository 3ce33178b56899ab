package io.meshwork.benchmarks;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.util.ByteBufPayload;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The servers every benchmark calls, in their own JVM (started by {@code run.sh} with the same JVM
 * flags as the JMH forks), each on a fixed loopback port from {@link Ports}:
 *
 * <ul>
 *   <li>a Meshwork node ({@link Wire#meshworkTransport()}) serving {@code echo}, {@code sink}
 *       (fire-and-forget, counted), {@code count} and {@code stream}, and the same node with
 *       RSocket leases on ({@link Systems#MESHWORK_LEASES}, a diagnostic);
 *   <li>a raw rsocket-java {@code RSocketServer} (zero-copy decoder) serving the same routes,
 *       dispatching on the same routing metadata, so both do comparable work per request;
 *   <li>two gRPC servers with the unary echo method: one with {@code directExecutor()}, one with
 *       the default executor;
 *   <li>{@value Ports#MEMBERS} more Meshwork nodes serving {@code bcast} (an echo), the members of
 *       the broadcast benchmark: four clusters of 1, 2, 4 and 8, one per fan-out;
 *   <li>the {@link TurnService} by which interleaved client JVMs measure one at a time.
 * </ul>
 *
 * <p>Prints one line starting {@code READY} once everything is bound; exits when its standard
 * input closes, on SIGTERM, or after {@code -Dmeshwork.bench.serverMaxSeconds} (default 6 h).
 *
 * <pre>{@code
 * java -cp benchmarks/target/meshwork-benchmarks.jar io.meshwork.benchmarks.BenchServer [basePort]
 * }</pre>
 */
public final class BenchServer implements AutoCloseable {

  private final LongAdder meshworkSunk = new LongAdder();
  private final LongAdder rawSunk = new LongAdder();
  private final LongAdder leasedSunk = new LongAdder();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Server> grpcServers = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable CloseableChannel raw;
  private volatile @Nullable TurnService turns;

  private BenchServer() {}

  /**
   * Starts every server, prints {@code READY}, and serves until stdin closes or SIGTERM.
   *
   * @param args optionally the base port (else {@code -Dmeshwork.bench.basePort}, else 47100)
   * @throws Exception if a server cannot start
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      System.setProperty(Ports.BASE_PORT_PROPERTY, args[0]);
    }
    long maxSeconds = Long.getLong("meshwork.bench.serverMaxSeconds", 6 * 3600L);
    System.out.println(
        "server: epoll reactor-netty="
            + Epoll.isAvailable()
            + " grpc-shaded="
            + io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.isAvailable()
            + ", base port "
            + Ports.base());
    BenchServer server = new BenchServer();
    try {
      server.start();
    } catch (Exception | Error e) {
      System.out.println("server: FAILED to start: " + e);
      server.close();
      throw e;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bench-server-shutdown"));
    Thread stdin = new Thread(() -> ChildProcess.drain(System.in, stop), "bench-server-stdin");
    stdin.setDaemon(true);
    stdin.start();
    System.out.println(
        "READY meshwork="
            + Ports.port(Ports.MESHWORK)
            + " meshworkLeases="
            + Ports.port(Ports.MESHWORK_LEASES)
            + " raw="
            + Ports.port(Ports.RAW_RSOCKET)
            + " grpcDirect="
            + Ports.port(Ports.GRPC_DIRECT)
            + " grpcDefault="
            + Ports.port(Ports.GRPC_DEFAULT)
            + " turns="
            + Ports.port(Ports.TURNS)
            + " members="
            + Ports.member(0)
            + ".."
            + Ports.member(Ports.MEMBERS - 1));
    System.out.flush();
    boolean byStdin = stop.await(maxSeconds, TimeUnit.SECONDS);
    System.out.println(
        "server: stopping ("
            + (byStdin ? "stdin closed" : "max lifetime reached")
            + "); sink counts: meshwork="
            + server.meshworkSunk.sum()
            + " raw="
            + server.rawSunk.sum());
    server.close();
    System.exit(0);
  }

  private void start() throws IOException {
    turns = TurnService.start(Ports.port(Ports.TURNS));
    for (Node n :
        List.of(
            meshworkServer(Wire.SERVER_NODE_ID, Ports.MESHWORK, false, meshworkSunk),
            meshworkServer(Wire.LEASED_SERVER_NODE_ID, Ports.MESHWORK_LEASES, true, leasedSunk))) {
      nodes.add(n);
      n.start().block(Wire.TIMEOUT);
    }

    raw =
        RSocketServer.create(SocketAcceptor.with(new RawResponder(rawSunk)))
            .payloadDecoder(PayloadDecoder.ZERO_COPY)
            .bind(TcpServerTransport.create(Ports.HOST, Ports.port(Ports.RAW_RSOCKET)))
            .block(Wire.TIMEOUT);

    grpcServers.add(grpc(Ports.GRPC_DIRECT, true).start());
    grpcServers.add(grpc(Ports.GRPC_DEFAULT, false).start());

    // One cluster per fan-out; each member joins through its cluster's first member.
    for (int fanOut = 1; fanOut <= Ports.MAX_FAN_OUT; fanOut *= 2) {
      int first = Ports.firstMember(fanOut);
      for (int i = first; i < first + fanOut; i++) {
        NodeBuilder builder =
            Node.builder()
                .id(Wire.memberId(i))
                .bind(Ports.HOST, Ports.member(i))
                .transport(Wire.meshworkTransport())
                .route(Wire.BCAST, Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))));
        if (i > first) {
          builder.seeds(Ports.HOST + ":" + Ports.member(first));
        }
        Node member = builder.build();
        nodes.add(member);
        member.start().block(Wire.TIMEOUT);
      }
    }
  }

  /** A Meshwork node serving echo, sink (counted in {@code sunk}), count and stream. */
  private static Node meshworkServer(String id, int offset, boolean leases, LongAdder sunk) {
    return Node.builder()
        .id(id)
        .bind(Ports.HOST, Ports.port(offset))
        .transport(Wire.meshworkTransport(leases))
        .route(Wire.ECHO, Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
        .route(Wire.SINK, Handlers.fireAndForget(m -> sunk.increment()))
        .route(Wire.COUNT, Handlers.requestResponse(m -> Mono.just(m.reply(longBytes(sunk.sum())))))
        .route(Wire.STREAM, Handlers.stream(BenchServer::meshworkStream))
        .build();
  }

  private static Server grpc(int offset, boolean direct) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(Ports.HOST, Ports.port(offset)));
    if (direct) {
      builder.directExecutor();
    }
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("meshwork.bench.Echo")
            .addMethod(
                Wire.GRPC_ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, reply) -> {
                      reply.onNext(request);
                      reply.onCompleted();
                    }))
            .build();
    return builder.addService(echo).build();
  }

  private static Flux<Message> meshworkStream(Message request) {
    ByteBuffer spec = request.payload();
    int items = spec.getInt();
    int size = spec.getInt();
    if (items < 0 || items > Wire.MAX_STREAM_ITEMS || size < 0 || size > 1 << 20) {
      return Flux.error(new IllegalArgumentException("Bad stream request " + items + "x" + size));
    }
    ByteBuffer item = ByteBuffer.wrap(new byte[size]).asReadOnlyBuffer();
    return Flux.range(0, items).map(i -> request.reply(item));
  }

  private static byte[] longBytes(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  /** Closes everything, bounded; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    TurnService t = turns;
    if (t != null) {
      t.close();
    }
    CloseableChannel r = raw;
    if (r != null) {
      r.dispose();
    }
    for (Server s : grpcServers) {
      s.shutdownNow();
    }
    for (Node n : nodes) {
      n.shutdown().onErrorResume(e -> Mono.empty()).block(Wire.TIMEOUT);
    }
    for (Server s : grpcServers) {
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The raw RSocket server's responder: reads the route from the composite metadata, as
   * Meshwork's codec does, and serves the same routes. Echo replies with the request's data
   * (zero-copy, retained); every payload is released once.
   */
  private static final class RawResponder implements RSocket {
    private final LongAdder sunk;

    RawResponder(LongAdder sunk) {
      this.sunk = sunk;
    }

    @Override
    public Mono<Payload> requestResponse(Payload p) {
      String route;
      try {
        route = Wire.route(p);
      } catch (RuntimeException e) {
        p.release();
        return Mono.error(e);
      }
      if (Wire.ECHO.equals(route)) {
        ByteBuf data = p.data().retain();
        p.release();
        return Mono.just(ByteBufPayload.create(data));
      }
      if (Wire.ECHO_COPYING.equals(route)) { // as a handler given a byte[] must
        byte[] copy = ByteBufUtil.getBytes(p.data());
        p.release();
        return Mono.just(ByteBufPayload.create(Unpooled.wrappedBuffer(copy)));
      }
      p.release();
      if (Wire.COUNT.equals(route)) {
        return Mono.just(ByteBufPayload.create(Unpooled.copyLong(sunk.sum())));
      }
      return Mono.error(new IllegalArgumentException("No request-response route '" + route + "'"));
    }

    @Override
    public Mono<Void> fireAndForget(Payload p) {
      try {
        if (Wire.SINK.equals(Wire.route(p))) {
          sunk.increment();
        }
        return Mono.empty();
      } finally {
        p.release();
      }
    }

    @Override
    public Flux<Payload> requestStream(Payload p) {
      String route;
      int items;
      int size;
      try {
        route = Wire.route(p);
        ByteBuf spec = p.data();
        items = spec.getInt(spec.readerIndex());
        size = spec.getInt(spec.readerIndex() + 4);
      } catch (RuntimeException e) {
        return Flux.error(e);
      } finally {
        p.release();
      }
      if (!Wire.STREAM.equals(route)
          || items < 0
          || items > Wire.MAX_STREAM_ITEMS
          || size < 0
          || size > 1 << 20) {
        return Flux.error(new IllegalArgumentException("Bad stream request on '" + route + "'"));
      }
      ByteBuf item = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[size]));
      return Flux.range(0, items).map(i -> ByteBufPayload.create(item.duplicate()));
    }
  }
}
