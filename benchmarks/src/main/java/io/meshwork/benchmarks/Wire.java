package io.meshwork.benchmarks;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.meshwork.rsocket.RSocketTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.metadata.CompositeMetadata;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.RoutingMetadata;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What clients and servers agree on: route names, the stream request's layout, the routing
 * metadata of raw RSocket (the same bytes Meshwork puts on the wire for a route), and gRPC's unary
 * echo method with a {@code byte[]} marshaller (no protoc).
 */
public final class Wire {

  /** Request-response echo: the reply carries the request's payload. */
  public static final String ECHO = "echo";

  /**
   * Request-response echo on raw RSocket that copies like Meshwork must: the request's data into
   * a new array, the reply wrapped around it (see {@link Systems#RAW_RSOCKET_COPYING}).
   */
  public static final String ECHO_COPYING = "echo-copying";

  /** Fire-and-forget: the server counts what arrives. */
  public static final String SINK = "sink";

  /** Request-response: the reply is the number of {@link #SINK} messages received, 8 bytes. */
  public static final String COUNT = "count";

  /** Request-stream: the request names how many items and how large, see {@link #streamRequest}. */
  public static final String STREAM = "stream";

  /** Request-response on the broadcast members: an echo. */
  public static final String BCAST = "bcast";

  /** The Meshwork id of the server's main node. */
  public static final String SERVER_NODE_ID = "bench-server";

  /** The id of the server's node with leases on. */
  public static final String LEASED_SERVER_NODE_ID = "bench-server-leases";

  /**
   * Lease permits per connection for {@link Systems#MESHWORK_LEASES}, client and server ({@code
   * -Dmeshwork.bench.leasePermits}, default 1024): at least the largest window measured (256 in
   * flight, or a fire-and-forget batch), and four times as many may wait for a permit (two
   * fire-and-forget batches are in flight at once), so the row shows what leases cost, not what
   * they hold back.
   */
  public static final int LEASE_PERMITS = Integer.getInteger("meshwork.bench.leasePermits", 1024);

  /** The most items one stream request may ask for. */
  public static final int MAX_STREAM_ITEMS = 1_000_000;

  /** The longest any single step (connect, one batch, one call) may take before it fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** gRPC's unary echo, {@code byte[]} in and out. */
  public static final MethodDescriptor<byte[], byte[]> GRPC_ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("meshwork.bench.Echo", "Echo"))
          .setRequestMarshaller(new BytesMarshaller())
          .setResponseMarshaller(new BytesMarshaller())
          .build();

  /**
   * Meshwork's transport for benchmark nodes: the defaults, except that {@code
   * -Dmeshwork.bench.coalesceUpTo=N} sets the write-coalescing limit (0 turns it off), so one jar
   * can compare both.
   *
   * @return the transport
   */
  public static RSocketTransport meshworkTransport() {
    return meshworkTransport(false);
  }

  /**
   * Meshwork's transport for benchmark nodes, with or without RSocket leases ({@link
   * #LEASE_PERMITS} permits, four times as many waiting).
   *
   * @param leases whether leases are on
   * @return the transport
   */
  public static RSocketTransport meshworkTransport(boolean leases) {
    RSocketTransport.Builder b =
        RSocketTransport.builder()
            .coalesceUpTo(
                Integer.getInteger(
                    "meshwork.bench.coalesceUpTo", RSocketTransport.DEFAULT_COALESCE_UP_TO));
    if (leases) {
      b.leases(LEASE_PERMITS, 4 * LEASE_PERMITS);
    }
    return b.build();
  }

  private static final String ROUTING_MIME = WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getString();

  private Wire() {}

  /**
   * The id of broadcast member {@code i}.
   *
   * @param i 0 to {@link Ports#MEMBERS} - 1
   * @return the id
   */
  public static String memberId(int i) {
    return "bench-member-" + i;
  }

  /**
   * A stream request's payload: the item count, then the item size, as two big-endian ints.
   *
   * @param items how many items
   * @param itemSize bytes per item
   * @return 8 bytes
   */
  public static byte[] streamRequest(int items, int itemSize) {
    return ByteBuffer.allocate(8).putInt(items).putInt(itemSize).array();
  }

  /**
   * Composite metadata with one routing entry naming {@code route}: what Meshwork sends for a
   * route without headers, encoded once, as an unreleasable heap buffer; send {@code duplicate()}s.
   *
   * @param route the route
   * @return the metadata
   */
  public static ByteBuf routingMetadata(String route) {
    ByteBufAllocator heap = ByteBufAllocator.DEFAULT;
    CompositeByteBuf md = heap.compositeBuffer();
    try {
      CompositeMetadataCodec.encodeAndAddMetadata(
          md,
          heap,
          WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
          TaggingMetadataCodec.createTaggingContent(heap, List.of(route)));
      return Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(md));
    } finally {
      md.release();
    }
  }

  /**
   * The route of a raw RSocket request, read from its composite metadata the way Meshwork's codec
   * reads it.
   *
   * @param p the request; not released
   * @return the first routing tag, or {@code null} if there is none
   */
  public static @Nullable String route(Payload p) {
    if (!p.hasMetadata()) {
      return null;
    }
    for (CompositeMetadata.Entry e : new CompositeMetadata(p.metadata(), false)) {
      if (ROUTING_MIME.equals(e.getMimeType())) {
        Iterator<String> tags = new RoutingMetadata(e.getContent()).iterator();
        return tags.hasNext() ? tags.next() : null;
      }
    }
    return null;
  }

  /**
   * Passes {@code byte[]} through gRPC as is. The stream it hands gRPC is {@link KnownLength} and
   * {@link Drainable}, gRPC's fast path (what protobuf messages use), so gRPC copies the bytes once;
   * parsing reads exactly the known length.
   */
  static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        if (stream instanceof KnownLength) {
          int n = stream.available();
          byte[] bytes = new byte[n];
          int read = stream.readNBytes(bytes, 0, n);
          if (read != n) {
            throw new IOException("Expected " + n + " bytes, read " + read);
          }
          return bytes;
        }
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A byte array as gRPC's fast-path stream. */
  static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
