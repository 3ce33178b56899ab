package io.meshwork.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.meshwork.Address;
import io.meshwork.NodeId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerInfoTest {

  private static final NodeId ID = NodeId.of("node-a");
  private static final Address ADDRESS = Address.of("127.0.0.1", 7001);

  @Test
  @DisplayName("holds id, address and payload limit")
  void holdsFields() {
    PeerInfo info = new PeerInfo(ID, ADDRESS, 1024);
    assertThat(info.id()).isEqualTo(ID);
    assertThat(info.address()).isEqualTo(ADDRESS);
    assertThat(info.maxInboundPayloadSize()).isEqualTo(1024);
    assertThat(info).isEqualTo(new PeerInfo(NodeId.of("node-a"), Address.parse("127.0.0.1:7001"), 1024));
    assertThat(info).isNotEqualTo(new PeerInfo(ID, ADDRESS, 1025));
  }

  @Test
  @DisplayName("accepts a limit of 1")
  void acceptsOne() {
    assertThat(new PeerInfo(ID, ADDRESS, 1).maxInboundPayloadSize()).isEqualTo(1);
  }

  @ParameterizedTest(name = "rejects {0}")
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  @DisplayName("rejects a limit that is not positive, naming it")
  void rejectsNonPositiveLimit(int limit) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new PeerInfo(ID, ADDRESS, limit))
        .withMessageContaining("maxInboundPayloadSize")
        .withMessageContaining("got " + limit);
  }

  @Test
  @DisplayName("rejects a null id or address")
  void rejectsNulls() {
    assertThatNullPointerException().isThrownBy(() -> new PeerInfo(null, ADDRESS, 64)).withMessage("id");
    assertThatNullPointerException().isThrownBy(() -> new PeerInfo(ID, null, 64)).withMessage("address");
  }
}
