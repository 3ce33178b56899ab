package io.meshwork.benchmarks;

import io.netty.channel.epoll.Epoll;

/**
 * The systems compared, as the {@code system} parameter of the benchmarks names them, and the
 * factory of their clients.
 */
public final class Systems {

  /** Meshwork with the node defaults a user gets (30 s timeout, 3 attempts). */
  public static final String MESHWORK = "meshwork";

  /** Meshwork with {@code CallOptions.defaults().timeout(null)}: no timer per call. */
  public static final String MESHWORK_NO_TIMEOUT = "meshworkNoTimeout";

  /**
   * Diagnostic, not in the suite: Meshwork with no timeout and {@code RetryPolicy.none()}, so the
   * call policy adds no operator at all; what remains against raw RSocket is the node, the codec
   * and the transport adapter.
   */
  public static final String MESHWORK_BARE = "meshworkBare";

  /**
   * Diagnostic, not in the suite: Meshwork with the node defaults and RSocket leases on, on both
   * ends ({@link Wire#LEASE_PERMITS} permits per connection, more than any row keeps in flight):
   * what lease accounting costs a node that opts into it.
   */
  public static final String MESHWORK_LEASES = "meshworkLeases";

  /** rsocket-java 1.1.5 directly, with the same routing metadata encoded once. */
  public static final String RAW_RSOCKET = "rawRSocket";

  /**
   * Diagnostic, not in the suite: raw RSocket doing the payload copies that Meshwork's messages
   * imply, since a {@code Message} owns its bytes on the heap and never holds a pooled buffer:
   * the client copies each reply's data into a new array; the server copies each request's data
   * into a new array and replies with that array wrapped (which Netty copies into direct memory
   * to write it). Raw RSocket's echo, by contrast, writes the received buffer back and its client
   * only reads the reply's size. Both raw clients send the same heap payload, which Netty copies
   * once per write, as Meshwork's coalescer copies its client's.
   */
  public static final String RAW_RSOCKET_COPYING = "rawRSocketCopying";

  /** gRPC-java (grpc-netty-shaded), {@code directExecutor()} on client and server. */
  public static final String GRPC_DIRECT = "grpcDirect";

  /** gRPC-java with its default executors on both ends: what an untuned user gets. */
  public static final String GRPC_DEFAULT = "grpcDefault";

  private static volatile boolean announced;

  private Systems() {}

  /**
   * Opens one system's client against the running {@link BenchServer}.
   *
   * @param system one of this class's names
   * @param payloadSize the payload of every request (and of each stream item)
   * @return a connected client
   */
  public static BenchClient open(String system, int payloadSize) {
    announce();
    switch (system) {
      case MESHWORK:
        return new MeshworkClient(io.meshwork.CallOptions.defaults(), payloadSize);
      case MESHWORK_NO_TIMEOUT:
        return new MeshworkClient(
            io.meshwork.CallOptions.defaults().timeout(null), payloadSize);
      case MESHWORK_LEASES:
        return new MeshworkClient(io.meshwork.CallOptions.defaults(), payloadSize, true);
      case MESHWORK_BARE:
        return new MeshworkClient(
            io.meshwork.CallOptions.defaults()
                .timeout(null)
                .retry(io.meshwork.RetryPolicy.none()),
            payloadSize);
      case RAW_RSOCKET:
        return new RawRSocketClient(payloadSize, false);
      case RAW_RSOCKET_COPYING:
        return new RawRSocketClient(payloadSize, true);
      case GRPC_DIRECT:
        return new GrpcClient(true, payloadSize);
      case GRPC_DEFAULT:
        return new GrpcClient(false, payloadSize);
      default:
        throw new IllegalArgumentException("Unknown system '" + system + "'");
    }
  }

  /** Prints, once per JVM, whether the native transports are there (they should be). */
  static void announce() {
    if (!announced) {
      announced = true;
      System.out.println(
          "client: epoll reactor-netty="
              + Epoll.isAvailable()
              + " grpc-shaded="
              + io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.isAvailable());
    }
  }
}
