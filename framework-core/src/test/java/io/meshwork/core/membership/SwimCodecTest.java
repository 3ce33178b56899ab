package io.meshwork.core.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshwork.Address;
import io.meshwork.NodeId;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SwimCodecTest {

  private static final Member A =
      new Member(NodeId.of("a"), Address.of("10.0.0.1", 7000), 3, MemberStatus.SUSPECT,
          Map.of("zone", "eu-1", "é", "ü"), Set.of("orders", "echo"));
  private static final Member B = Member.of(NodeId.of("b"), Address.of("h", 65535), 0, MemberStatus.LEFT);

  @Test
  void everyKindRoundTrips() {
    for (SwimFrame f :
        List.of(
            SwimFrame.ping(7, A, List.of(B)),
            SwimFrame.pingReq(Long.MAX_VALUE, B, List.of(A, B)),
            SwimFrame.ack(1, true, List.of()),
            SwimFrame.gossip(List.of(A)),
            SwimFrame.sync(List.of(A, B)))) {
      assertThat(SwimCodec.decode(ByteBuffer.wrap(SwimCodec.encode(f)))).isEqualTo(f);
    }
  }

  @Property(tries = 300)
  void everyTruncationIsAnInvalidRequest(@ForAll @IntRange(min = 0, max = 200) int cut) {
    byte[] whole = SwimCodec.encode(SwimFrame.sync(List.of(A, B)));
    byte[] part = Arrays.copyOf(whole, Math.min(cut, whole.length - 1));
    assertThatThrownBy(() -> SwimCodec.decode(ByteBuffer.wrap(part)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void hugeCountsAreRefusedBeforeAllocating() {
    ByteBuffer b = ByteBuffer.allocate(32);
    b.put(SwimCodec.VERSION).put((byte) SwimFrame.Kind.GOSSIP.ordinal()).putLong(0).put((byte) 0)
        .put((byte) 0).putInt(Integer.MAX_VALUE).flip();
    assertThatThrownBy(() -> SwimCodec.decode(b))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("at most");
  }
}
