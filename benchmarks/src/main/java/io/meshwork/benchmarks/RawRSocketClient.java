package io.meshwork.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.ByteBufPayload;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * rsocket-java used directly: composite metadata with the same routing entry Meshwork sends,
 * encoded once per route and sent as {@code duplicate()}s of unreleasable buffers; the payload
 * too. Zero-copy frame decoding; replies are measured and released. Keepalive as Meshwork's
 * default (5 s, 30 s); otherwise rsocket-java's defaults. A copying client ({@link
 * Systems#RAW_RSOCKET_COPYING}) calls the server's copying echo and copies each reply's data into
 * a new array, as Meshwork's client hands the caller a message that owns its bytes.
 */
final class RawRSocketClient implements BenchClient {

  private final RSocket rsocket;
  private final ByteBuf data;
  private final ByteBuf echoRoute;
  private final ByteBuf sinkRoute = Wire.routingMetadata(Wire.SINK);
  private final ByteBuf countRoute = Wire.routingMetadata(Wire.COUNT);
  private final ByteBuf streamRoute = Wire.routingMetadata(Wire.STREAM);
  private final int payloadSize;
  private final boolean copying;

  /**
   * Connects to the server's raw RSocket port.
   *
   * @param payloadSize bytes per request
   * @param copying whether echoes copy their payloads as Meshwork's heap messages do
   */
  RawRSocketClient(int payloadSize, boolean copying) {
    this.payloadSize = payloadSize;
    this.copying = copying;
    this.echoRoute = Wire.routingMetadata(copying ? Wire.ECHO_COPYING : Wire.ECHO);
    this.data = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[payloadSize]));
    this.rsocket =
        RSocketConnector.create()
            .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
            .dataMimeType("application/octet-stream")
            .keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(30))
            .payloadDecoder(PayloadDecoder.ZERO_COPY)
            .connect(TcpClientTransport.create(Ports.HOST, Ports.port(Ports.RAW_RSOCKET)))
            .block(Wire.TIMEOUT);
    call().block(Wire.TIMEOUT);
  }

  @Override
  public Mono<Integer> call() {
    return rsocket
        .requestResponse(ByteBufPayload.create(data.duplicate(), echoRoute.duplicate()))
        .map(copying ? RawRSocketClient::copyAndRelease : RawRSocketClient::sizeAndRelease);
  }

  @Override
  public Mono<Void> send() {
    return rsocket.fireAndForget(ByteBufPayload.create(data.duplicate(), sinkRoute.duplicate()));
  }

  @Override
  public Mono<Long> received() {
    return rsocket
        .requestResponse(ByteBufPayload.create(Unpooled.EMPTY_BUFFER, countRoute.duplicate()))
        .map(
            p -> {
              try {
                return p.data().getLong(p.data().readerIndex());
              } finally {
                p.release();
              }
            });
  }

  @Override
  public Flux<Integer> stream(int items) {
    return rsocket
        .requestStream(
            ByteBufPayload.create(
                Unpooled.wrappedBuffer(Wire.streamRequest(items, payloadSize)),
                streamRoute.duplicate()))
        .map(RawRSocketClient::sizeAndRelease);
  }

  private static Integer copyAndRelease(Payload p) {
    try {
      return ByteBufUtil.getBytes(p.data()).length;
    } finally {
      p.release();
    }
  }

  private static Integer sizeAndRelease(Payload p) {
    int size = p.data().readableBytes();
    p.release();
    return size;
  }

  @Override
  public void close() {
    rsocket.dispose();
    rsocket.onClose().onErrorResume(e -> Mono.empty()).block(Wire.TIMEOUT);
  }
}
