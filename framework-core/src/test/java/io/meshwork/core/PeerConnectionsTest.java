package io.meshwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Address;
import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.TransportBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * {@link PeerConnections}' dial dedupe, with a binding whose dials end when the test says: the
 * race between a dial that is ending and a caller that arrives at that moment is played in a
 * fixed order, not left to threads.
 */
@DisplayName("PeerConnections")
class PeerConnectionsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final NodeId SELF = NodeId.of("self");
  private static final NodeId PEER = NodeId.of("peer");
  private static final Address AT = Address.of("127.0.0.1", 7001);

  private final PeerConnections peers = new PeerConnections(SELF, id -> null, id -> {});
  private final ManualBinding binding = new ManualBinding();

  PeerConnectionsTest() {
    peers.attach(binding);
  }

  @Test
  @DisplayName("callers that arrive while a dial is under way share it: one connection")
  void concurrentCallersShareOneDial() {
    List<Connection> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      peers.dial(AT).subscribe(got::add);
    }
    assertThat(binding.dials()).isEqualTo(1);
    FakeConnection c = binding.complete(0, null);
    assertThat(got).hasSize(5).containsOnly(c);
    StepVerifier.create(peers.dial(AT)).expectNext(c).expectComplete().verify(TIMEOUT);
    assertThat(binding.dials()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a caller that arrives while an ending dial registers its connection gets that connection,"
          + " not a second dial")
  void callerDuringRegistrationDoesNotDialAgain() {
    List<Connection> late = new ArrayList<>();
    List<Connection> first = new ArrayList<>();
    peers.dial(AT).subscribe(first::add);
    // The connection's remote() is the first thing registering reads: a caller arriving then is
    // in the window where the dial has a connection that no map holds yet, unless the dial is
    // still in the dedupe map (as it must be until its connection is registered).
    FakeConnection c = binding.complete(0, () -> peers.dial(AT).subscribe(late::add));
    assertThat(binding.dials()).as("dials").isEqualTo(1);
    assertThat(first).containsExactly(c);
    assertThat(late).containsExactly(c);
  }

  @Test
  @DisplayName("a failed dial is forgotten before its error is seen: a retry dials again")
  void failedDialIsForgotten() {
    List<Throwable> errors = new ArrayList<>();
    peers.dial(AT).subscribe(c -> {}, errors::add);
    binding.fail(0, new IllegalStateException("refused"));
    assertThat(errors).hasSize(1);
    peers.dial(AT).subscribe();
    assertThat(binding.dials()).isEqualTo(2);
    binding.complete(1, null);
  }

  @Test
  @DisplayName("a closed connection is forgotten: the next call dials again")
  void closedConnectionIsForgotten() {
    peers.dial(AT).subscribe();
    FakeConnection c = binding.complete(0, null);
    assertThat(peers.live(Target.member(PEER))).isSameAs(c);
    c.dispose();
    assertThat(peers.live(Target.member(PEER))).isNull();
    peers.dial(AT).subscribe();
    assertThat(binding.dials()).isEqualTo(2);
    binding.complete(1, null);
  }

  /** A binding whose dials are completed, or failed, by the test, one sink per dial. */
  private static final class ManualBinding implements TransportBinding {
    private final List<Sinks.One<Connection>> pending = new ArrayList<>();
    private final Sinks.Empty<Void> closed = Sinks.empty();

    @Override
    public PeerInfo local() {
      return new PeerInfo(SELF, Address.of("127.0.0.1", 7000), 1 << 20);
    }

    @Override
    public Mono<Connection> connect(Address remote) {
      return Mono.defer(
          () -> {
            Sinks.One<Connection> dial = Sinks.one();
            pending.add(dial);
            return dial.asMono();
          });
    }

    int dials() {
      return pending.size();
    }

    /** Ends dial {@code i} with a new connection, running {@code onRegister} as it registers. */
    FakeConnection complete(int i, @Nullable Runnable onRegister) {
      FakeConnection c = new FakeConnection(onRegister);
      assertThat(pending.get(i).tryEmitValue(c)).isEqualTo(Sinks.EmitResult.OK);
      return c;
    }

    void fail(int i, Throwable error) {
      assertThat(pending.get(i).tryEmitError(error)).isEqualTo(Sinks.EmitResult.OK);
    }

    @Override
    public Mono<Void> onClose() {
      return closed.asMono();
    }

    @Override
    public void dispose() {
      closed.tryEmitEmpty();
    }
  }

  /** A connection to {@link #PEER} that carries nothing; closing it completes {@link #onClose}. */
  private static final class FakeConnection implements Connection {
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private volatile boolean disposed;
    private final AtomicInteger remoteReads = new AtomicInteger();
    private final @Nullable Runnable onFirstRemote;

    FakeConnection(@Nullable Runnable onFirstRemote) {
      this.onFirstRemote = onFirstRemote;
    }

    @Override
    public PeerInfo remote() {
      if (remoteReads.getAndIncrement() == 0 && onFirstRemote != null) {
        onFirstRemote.run();
      }
      return new PeerInfo(PEER, AT, 1 << 20);
    }

    @Override
    public Mono<Void> fireAndForget(Message message) {
      return Mono.error(new UnsupportedOperationException());
    }

    @Override
    public Mono<Message> requestResponse(Message message) {
      return Mono.error(new UnsupportedOperationException());
    }

    @Override
    public Flux<Message> requestStream(Message message) {
      return Flux.error(new UnsupportedOperationException());
    }

    @Override
    public Flux<Message> requestChannel(Publisher<Message> messages) {
      return Flux.error(new UnsupportedOperationException());
    }

    @Override
    public Mono<Void> onClose() {
      return closed.asMono();
    }

    @Override
    public void dispose() {
      disposed = true;
      closed.tryEmitEmpty();
    }

    @Override
    public boolean isDisposed() {
      return disposed;
    }
  }
}
