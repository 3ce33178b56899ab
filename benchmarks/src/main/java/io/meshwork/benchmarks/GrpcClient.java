package io.meshwork.benchmarks;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * gRPC-java unary echo over one plaintext channel, wrapped in a {@code Mono} so the same harness
 * drives it: {@code ClientCalls.asyncUnaryCall} with a {@code StreamObserver} completing the sink.
 * With {@code directExecutor()} the channel (and the server on the port it dials) runs callbacks on
 * the event loop; without it, on gRPC's default executor.
 */
final class GrpcClient implements BenchClient {

  private final ManagedChannel channel;
  private final byte[] payload;

  /**
   * Connects to one of the server's gRPC ports.
   *
   * @param direct {@code directExecutor()} on both ends, or the default executors
   * @param payloadSize bytes per request
   */
  GrpcClient(boolean direct, int payloadSize) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(
                Ports.HOST, Ports.port(direct ? Ports.GRPC_DIRECT : Ports.GRPC_DEFAULT))
            .usePlaintext();
    if (direct) {
      builder.directExecutor();
    }
    this.channel = builder.build();
    this.payload = new byte[payloadSize];
    call().block(Wire.TIMEOUT);
  }

  @Override
  public Mono<Integer> call() {
    return Mono.create(
        sink ->
            ClientCalls.asyncUnaryCall(
                channel.newCall(Wire.GRPC_ECHO, CallOptions.DEFAULT), payload, new Reply(sink)));
  }

  @Override
  public Mono<Void> send() {
    throw new UnsupportedOperationException("gRPC is measured on unary echo only");
  }

  @Override
  public Mono<Long> received() {
    throw new UnsupportedOperationException("gRPC is measured on unary echo only");
  }

  @Override
  public Flux<Integer> stream(int items) {
    throw new UnsupportedOperationException("gRPC is measured on unary echo only");
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(Wire.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Completes the call's sink with the reply's size. */
  private static final class Reply implements StreamObserver<byte[]> {
    private final MonoSink<Integer> sink;

    Reply(MonoSink<Integer> sink) {
      this.sink = sink;
    }

    @Override
    public void onNext(byte[] value) {
      sink.success(value.length);
    }

    @Override
    public void onError(Throwable t) {
      sink.error(t);
    }

    @Override
    public void onCompleted() {
      sink.success();
    }
  }
}
