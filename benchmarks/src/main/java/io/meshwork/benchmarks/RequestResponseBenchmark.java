package io.meshwork.benchmarks;

import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.Target;
import io.meshwork.rsocket.RSocketTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.util.ByteBufPayload;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * Request-response echo, one call in flight, over loopback TCP: a Meshwork node calling a
 * Meshwork node, beside a raw rsocket-java client calling a raw rsocket-java server with the same
 * payload and the same routing metadata (encoded once, as BENCHMARKING.md asks). Both servers run
 * in the benchmark's JVM on their own event loops. A quick check, not the full report of issue 4
 * (which runs servers in separate processes and adds gRPC).
 *
 * <pre>{@code
 * java -jar benchmarks/target/meshwork-benchmarks.jar RequestResponseBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
public class RequestResponseBenchmark {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Param({"16", "1024"})
  int payloadSize;

  private Node server;
  private Node client;
  private Target target;
  private Message request;

  private CloseableChannel rawServer;
  private RSocket rawClient;
  private ByteBuf rawData;
  private ByteBuf rawMetadata;

  @Setup(Level.Trial)
  public void setUp() {
    server =
        Node.builder()
            .transport(RSocketTransport.tcp())
            .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
            .build()
            .start()
            .block(TIMEOUT);
    client = Node.builder().transport(RSocketTransport.tcp()).build().start().block(TIMEOUT);
    target = Target.member(server.id());
    request = Message.of("echo", new byte[payloadSize]);
    client.request(Target.address(server.address()), request).block(TIMEOUT); // connect

    rawServer =
        RSocketServer.create(
                SocketAcceptor.forRequestResponse(
                    p -> {
                      ByteBuf data = p.data().retain();
                      p.release();
                      return Mono.just(ByteBufPayload.create(data));
                    }))
            .payloadDecoder(PayloadDecoder.ZERO_COPY)
            .bind(TcpServerTransport.create("127.0.0.1", 0))
            .block(TIMEOUT);
    rawClient =
        RSocketConnector.create()
            .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
            .payloadDecoder(PayloadDecoder.ZERO_COPY)
            .connect(TcpClientTransport.create(rawServer.address()))
            .block(TIMEOUT);
    rawData = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[payloadSize]));
    CompositeByteBuf md = ByteBufAllocator.DEFAULT.compositeBuffer();
    CompositeMetadataCodec.encodeAndAddMetadata(
        md,
        ByteBufAllocator.DEFAULT,
        WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
        TaggingMetadataCodec.createTaggingContent(ByteBufAllocator.DEFAULT, List.of("echo")));
    rawMetadata = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(md));
    md.release();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    rawClient.dispose();
    rawServer.dispose();
    client.shutdown().block(TIMEOUT);
    server.shutdown().block(TIMEOUT);
  }

  @Benchmark
  public int meshwork() {
    return client.request(target, request).block(TIMEOUT).payloadSize();
  }

  @Benchmark
  public int rawRSocket() {
    Payload reply =
        rawClient
            .requestResponse(ByteBufPayload.create(rawData.duplicate(), rawMetadata.duplicate()))
            .block(TIMEOUT);
    int size = reply.data().readableBytes();
    reply.release();
    return size;
  }
}
