package io.meshwork.rsocket;

import io.meshwork.Address;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.Transport;
import io.meshwork.transport.TransportBinding;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.rsocket.core.LeaseSpec;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Meshwork over RSocket on TCP (Reactor Netty).
 *
 * <pre>{@code
 * Node node = Node.builder().transport(RSocketTransport.tcp()).build();
 *
 * Transport tuned = RSocketTransport.builder()
 *     .setupTimeout(Duration.ofSeconds(2))
 *     .keepAlive(Duration.ofSeconds(2), Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * <p>On the wire: the route travels as standard routing metadata ({@code
 * message/x.rsocket.routing.v0}) inside composite metadata, so a plain rsocket-java client or
 * Spring's {@code RSocketRequester} can call a node's routes; a client whose SETUP declares
 * routing metadata directly (not composite) is understood too. Headers and Lamport time travel in
 * one more composite entry, {@code application/x.meshwork.headers.v0}, present only when there is
 * something to carry. A Meshwork node's SETUP carries its id, address and payload limit ({@code
 * application/x.meshwork.peer.v0}); the accepting node answers with its own in a METADATA_PUSH,
 * so both ends know each other and either may send requests over the one connection.
 *
 * <p>Bounds, each configurable here: time from TCP connect to SETUP, keepalive, fragment size.
 * The inbound payload limit is the node's ({@code NodeBuilder.maxInboundPayloadSize}): a larger
 * request is answered with {@code PayloadTooLargeException}; reassembly stops {@value
 * #METADATA_ALLOWANCE} bytes past it (or at one 16 MiB frame, whichever is larger).
 */
public final class RSocketTransport implements Transport {

  /** Room for metadata on top of the payload limit when RSocket reassembles fragments. */
  public static final int METADATA_ALLOWANCE = 64 * 1024;

  /** Frames up to this many bytes are coalesced by default; see {@link Builder#coalesceUpTo}. */
  public static final int DEFAULT_COALESCE_UP_TO = 2048;

  /** The largest frame size {@link Builder#coalesceUpTo} accepts. */
  public static final int MAX_COALESCE_UP_TO = 8192;

  private final Settings settings;

  private RSocketTransport(Settings settings) {
    this.settings = settings;
  }

  /**
   * TCP with the defaults: SETUP within 5 s, keepalive every 5 s and a connection declared dead
   * after 30 s without one, payloads fragmented in 64 KiB frames.
   *
   * @return the transport
   */
  public static RSocketTransport tcp() {
    return builder().build();
  }

  /**
   * Starts configuring a TCP transport.
   *
   * @return a builder with the defaults of {@link #tcp()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The validated options (package-private, for tests). */
  Settings settings() {
    return settings;
  }

  @Override
  public Mono<TransportBinding> bind(PeerInfo local, Responder responder) {
    return bind(local, local.address(), responder);
  }

  /** Listens at {@code bindAddress}; tells peers {@code local}'s address, port 0 the bound one. */
  @Override
  public Mono<TransportBinding> bind(PeerInfo local, Address bindAddress, Responder responder) {
    return Mono.defer(() -> new RSocketBinding(settings, local, bindAddress, responder).start());
  }

  /** Configures an {@link RSocketTransport}; {@link #build()} validates. */
  public static final class Builder {
    private Duration setupTimeout = Duration.ofSeconds(5);
    private Duration keepAliveInterval = Duration.ofSeconds(5);
    private Duration keepAliveMaxLifetime = Duration.ofSeconds(30);
    private int fragmentSize = 64 * 1024;
    private ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    private int leasePermits;
    private int leasePending;
    private int coalesceUpTo = DEFAULT_COALESCE_UP_TO;
    private @Nullable ClusterKey clusterKey;

    private Builder() {}

    /**
     * RSocket leases as flow control per connection: a peer may have at most {@code permits}
     * requests (of any interaction model) running at this node, and this node at most that many
     * at each peer. A call without a permit waits at the caller, up to {@code pending} per
     * connection, and beyond that fails there with {@link io.meshwork.error.RejectedException}
     * (retryable). A flooding Meshwork client is thus held back at its own end, and costs the node
     * nothing beyond its permits. Off by default; set it on every node of a cluster, or on none: a
     * node with leases cannot connect to one without (its SETUP asks for leases, which the other
     * refuses). A plain RSocket client that ignores leases is refused with REJECTED beyond the
     * permits it was granted.
     *
     * @param permits requests one connection may have running at the other end, at least 1
     * @param pending calls one connection may hold waiting for a permit, at least 0
     * @return this builder
     */
    public Builder leases(int permits, int pending) {
      if (permits < 1 || pending < 0) {
        throw new IllegalArgumentException(
            "leases need permits >= 1 and pending >= 0, got " + permits + " and " + pending);
      }
      this.leasePermits = permits;
      this.leasePending = pending;
      return this;
    }

    /**
     * How long an accepted TCP connection may stay silent before its SETUP frame, and how long a
     * dialling node waits for the peer to identify itself. Default 5 s (rsocket-java's own default
     * is 60 s). Shorter frees sockets held by idle or hostile clients sooner; too short fails
     * slow handshakes.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public Builder setupTimeout(Duration timeout) {
      this.setupTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Keepalive frames every {@code interval}; a connection that hears none for {@code
     * maxLifetime} is closed. Defaults 5 s and 30 s. Shorter notices dead TCP peers sooner at the
     * cost of more frames; membership (not keepalive) decides whether a member is dead.
     *
     * @param interval more than zero
     * @param maxLifetime at least {@code interval}
     * @return this builder
     */
    public Builder keepAlive(Duration interval, Duration maxLifetime) {
      this.keepAliveInterval = Objects.requireNonNull(interval, "interval");
      this.keepAliveMaxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
      return this;
    }

    /**
     * Frames larger than this are split into fragments. Default 64 KiB. Smaller fragments let
     * other streams interleave with a large payload; larger ones cost fewer frames.
     *
     * @param bytes 64 to 16,777,215
     * @return this builder
     */
    public Builder fragmentSize(int bytes) {
      this.fragmentSize = bytes;
      return this;
    }

    /**
     * The allocator for frames, on both accepted and dialled connections. Default: Netty's.
     * Tests pass a leak-tracking one.
     *
     * @param allocator the allocator
     * @return this builder
     */
    public Builder allocator(ByteBufAllocator allocator) {
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /**
     * Write coalescing: when several frames are written to a connection before it flushes, those
     * of up to {@code bytes} each are copied into one batch buffer, so the socket gets one
     * contiguous write instead of one scatter entry per frame part (rsocket-java hands over each
     * frame as three or four buffers). A lone frame is never copied, so one call in flight costs
     * nothing extra. Default {@value #DEFAULT_COALESCE_UP_TO} bytes; 0 turns it off. At 256 small
     * requests in flight it cuts the CPU per request-response by about a quarter.
     *
     * @param bytes 0 to {@value #MAX_COALESCE_UP_TO}
     * @return this builder
     */
    public Builder coalesceUpTo(int bytes) {
      if (bytes < 0 || bytes > MAX_COALESCE_UP_TO) {
        throw new IllegalArgumentException(
            "coalesceUpTo must be 0 to " + MAX_COALESCE_UP_TO + " bytes, got " + bytes);
      }
      this.coalesceUpTo = bytes;
      return this;
    }

    /**
     * Peer authentication by a key every node of the cluster shares: each connection's handshake
     * then proves, both ways, that the other end holds it (an HMAC-SHA256 tag over its id,
     * address and limit, bound to this handshake). A peer that cannot, a plain RSocket client
     * included, is refused: the dialler's call fails with {@link
     * io.meshwork.error.UnauthenticatedException}, not retried, and the node it dialled logs the
     * refusal and never sees the connection. Set it on every node of a cluster, or on none. It
     * authenticates; it does not encrypt, and a SETUP replayed within two minutes is accepted
     * (though it yields a connection the replayer cannot use). Default: none, every peer trusted.
     *
     * <pre>{@code
     * RSocketTransport.builder().clusterKey(Base64.getDecoder().decode(System.getenv("MESHWORK_KEY")))
     * }</pre>
     *
     * @param key at least 16 bytes (32 random bytes recommended); copied
     * @return this builder
     * @throws IllegalArgumentException if the key is shorter
     */
    public Builder clusterKey(byte[] key) {
      this.clusterKey = new ClusterKey(Objects.requireNonNull(key, "key"));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the transport
     * @throws IllegalArgumentException naming the first invalid option
     */
    public RSocketTransport build() {
      requirePositive("setupTimeout", setupTimeout);
      requirePositive("keepAlive interval", keepAliveInterval);
      if (keepAliveMaxLifetime.compareTo(keepAliveInterval) < 0) {
        throw new IllegalArgumentException(
            "keepAlive maxLifetime ("
                + keepAliveMaxLifetime
                + ") must be at least the interval ("
                + keepAliveInterval
                + ")");
      }
      if (fragmentSize < 64 || fragmentSize > 0xFFFFFF) {
        throw new IllegalArgumentException(
            "fragmentSize must be 64 to 16777215 bytes, got " + fragmentSize);
      }
      return new RSocketTransport(
          new Settings(
              setupTimeout,
              keepAliveInterval,
              keepAliveMaxLifetime,
              fragmentSize,
              allocator,
              leasePermits,
              leasePending,
              coalesceUpTo,
              clusterKey));
    }

    private static void requirePositive(String name, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be more than zero, got " + d);
      }
    }
  }

  /** The validated options. */
  record Settings(
      Duration setupTimeout,
      Duration keepAliveInterval,
      Duration keepAliveMaxLifetime,
      int fragmentSize,
      ByteBufAllocator allocator,
      int leasePermits,
      int leasePending,
      int coalesceUpTo,
      @Nullable ClusterKey clusterKey) {

    /** How long a lease lasts; {@link PermitSender} renews it every half of it. */
    static final Duration LEASE_TIME_TO_LIVE = Duration.ofHours(12);

    /** Adds the write coalescer to a new connection's pipeline, unless coalescing is off. */
    void coalesce(Channel channel) {
      if (coalesceUpTo > 0) {
        channel.pipeline().addFirst(FrameCoalescer.NAME, new FrameCoalescer(coalesceUpTo));
      }
    }

    boolean leases() {
      return leasePermits > 0;
    }

    void configureLeases(LeaseSpec spec) {
      spec.sender(new PermitSender(leasePermits, LEASE_TIME_TO_LIVE)).maxPendingRequests(leasePending);
    }
  }
}
