package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshwork.Address;
import io.meshwork.NodeId;
import io.meshwork.error.UnauthenticatedException;
import io.meshwork.transport.PeerInfo;
import io.netty.buffer.ByteBuf;
import io.rsocket.Payload;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClusterKey: the handshake proofs verify only with the key, the peer, the nonce and the time they were made for")
class ClusterKeyTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final PeerInfo ALICE = new PeerInfo(NodeId.of("alice"), Address.of("127.0.0.1", 7000), 4096);
  private static final PeerInfo MALLORY = new PeerInfo(NodeId.of("alice"), Address.of("10.6.6.6", 7000), 4096);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ClusterKey key = new ClusterKey(KEY, now::get);

  /** Runs {@code check} over the composite metadata of a SETUP claiming {@code claimed}. */
  private static <T> T onSetup(PeerInfo claimed, byte[] auth, Function<ByteBuf, T> check) {
    Payload p = PeerInfoCodec.setupPayload(claimed, auth);
    try {
      return check.apply(p.metadata());
    } finally {
      p.release();
    }
  }

  @Test
  @DisplayName("a SETUP made with the key verifies and yields its nonce")
  void setupVerifies() {
    byte[] nonce = ClusterKey.nonce();
    byte[] auth = key.setupEntry(ALICE, nonce);
    byte[] yielded = onSetup(ALICE, auth, m -> key.verifySetup(m, ALICE));
    assertThat(yielded).isEqualTo(nonce);
  }

  @Test
  @DisplayName("another key, another claimed address, or a flipped bit: refused")
  void forgedSetups() {
    byte[] auth = new ClusterKey("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8), now::get)
        .setupEntry(ALICE, ClusterKey.nonce());
    assertThatThrownBy(() -> onSetup(ALICE, auth, m -> key.verifySetup(m, ALICE)))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("not signed with this cluster's key");

    byte[] alices = key.setupEntry(ALICE, ClusterKey.nonce());
    assertThatThrownBy(() -> onSetup(MALLORY, alices, m -> key.verifySetup(m, MALLORY)))
        .as("Alice's proof does not cover another address")
        .isInstanceOf(UnauthenticatedException.class);

    byte[] flipped = key.setupEntry(ALICE, ClusterKey.nonce());
    flipped[flipped.length - 1] ^= 1;
    assertThatThrownBy(() -> onSetup(ALICE, flipped, m -> key.verifySetup(m, ALICE)))
        .isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  @DisplayName("a SETUP older or newer than two minutes by this node's clock is refused as stale")
  void staleSetup() {
    byte[] auth = key.setupEntry(ALICE, ClusterKey.nonce());
    now.addAndGet(ClusterKey.MAX_SKEW.toMillis());
    byte[] atTheEdge = onSetup(ALICE, auth, m -> key.verifySetup(m, ALICE));
    assertThat(atTheEdge).hasSize(ClusterKey.NONCE_BYTES);
    now.addAndGet(1);
    assertThatThrownBy(() -> onSetup(ALICE, auth, m -> key.verifySetup(m, ALICE)))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("a replay, or clocks out of step");
    now.addAndGet(-2 * ClusterKey.MAX_SKEW.toMillis() - 2);
    assertThatThrownBy(() -> onSetup(ALICE, auth, m -> key.verifySetup(m, ALICE)))
        .isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  @DisplayName("no proof, or a truncated one: refused, saying which")
  void missingOrMalformed() {
    assertThatThrownBy(() -> onSetup(ALICE, null, m -> key.verifySetup(m, ALICE)))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("no cluster key proof");
    assertThatThrownBy(() -> onSetup(ALICE, new byte[] {1, 2, 3}, m -> key.verifySetup(m, ALICE)))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  @DisplayName("a hello verifies only against the nonce of the SETUP it answers")
  void helloIsBoundToItsHandshake() {
    byte[] nonce = ClusterKey.nonce();
    byte[] auth = key.helloEntry(ALICE, nonce);
    onSetup(ALICE, auth, m -> {
      key.verifyHello(m, ALICE, nonce);
      return null;
    });
    assertThatThrownBy(() -> onSetup(ALICE, auth, m -> {
          key.verifyHello(m, ALICE, ClusterKey.nonce());
          return null;
        }))
        .as("a recorded hello replayed on another connection")
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("hello is not signed");
  }

  @Test
  @DisplayName("the key never shows in toString")
  void keyIsHidden() {
    assertThat(key.toString()).doesNotContain("0123456789abcdef").isEqualTo("ClusterKey[hidden]");
  }
}
