package io.meshwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdTest {

  @Nested
  @DisplayName("validation")
  class Validation {

    @Test
    @DisplayName("accepts ordinary printable ASCII ids")
    void acceptsPrintableAscii() {
      assertThat(NodeId.of("orders-1").value()).isEqualTo("orders-1");
      assertThat(NodeId.of("a").value()).isEqualTo("a");
      // the two ends of the accepted range: '!' (0x21) and '~' (0x7e)
      assertThat(NodeId.of("!~").value()).isEqualTo("!~");
      assertThat(NodeId.of("node@host:7001/x_y.z").value()).isEqualTo("node@host:7001/x_y.z");
    }

    @Test
    @DisplayName("accepts exactly MAX_LENGTH (64) characters")
    void acceptsSixtyFourCharacters() {
      String longest = "x".repeat(NodeId.MAX_LENGTH);
      assertThat(NodeId.MAX_LENGTH).isEqualTo(64);
      assertThat(NodeId.of(longest).value()).hasSize(64);
    }

    @Test
    @DisplayName("rejects the empty string, naming the allowed length and the actual one")
    void rejectsEmpty() {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> NodeId.of(""))
          .withMessageContaining("1 to 64 characters")
          .withMessageContaining("got 0");
    }

    @Test
    @DisplayName("rejects 65 characters, naming the allowed length and the actual one")
    void rejectsTooLong() {
      String tooLong = "x".repeat(NodeId.MAX_LENGTH + 1);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> new NodeId(tooLong))
          .withMessageContaining("1 to 64 characters")
          .withMessageContaining("got 65");
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(
        strings = {
          "a b", // space
          " lead",
          "trail ",
          "tab\there",
          "new\nline",
          "nul\u0000",
          "del\u007f", // DEL is not printable
          "caf\u00e9", // non-ASCII letter
          "nbsp\u00a0",
          "\u65e5\u672c", // CJK
          "emoji\ud83d\ude00"
        })
    @DisplayName("rejects spaces, control characters and non-ASCII, quoting the id")
    void rejectsNonPrintableOrNonAscii(String bad) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> NodeId.of(bad))
          .withMessageContaining("printable ASCII without spaces")
          .withMessageContaining("'" + bad + "'");
    }

    @Test
    @DisplayName("rejects null with a NullPointerException naming the parameter")
    void rejectsNull() {
      assertThatNullPointerException().isThrownBy(() -> NodeId.of(null)).withMessage("value");
    }
  }

  @Nested
  @DisplayName("random(...)")
  class Random {

    @Test
    @DisplayName("draws 16 lowercase hex digits")
    void sixteenLowercaseHexDigits() {
      SplittableRandom random = new SplittableRandom(7);
      for (int i = 0; i < 1_000; i++) {
        assertThat(NodeId.random(random).value()).matches("[0-9a-f]{16}");
      }
    }

    @Test
    @DisplayName("is deterministic for a seed")
    void deterministicForSeed() {
      List<NodeId> first = draw(new SplittableRandom(42), 20);
      List<NodeId> second = draw(new SplittableRandom(42), 20);
      assertThat(first).isEqualTo(second);
      assertThat(first).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("differs between seeds")
    void differsBetweenSeeds() {
      assertThat(NodeId.random(new SplittableRandom(1)))
          .isNotEqualTo(NodeId.random(new SplittableRandom(2)));
    }

    @Test
    @DisplayName("encodes the drawn long as zero-padded two's-complement hex")
    void encodesTheDrawnLong() {
      assertThat(NodeId.random(constant(0L)).value()).isEqualTo("0000000000000000");
      assertThat(NodeId.random(constant(0x1fL)).value()).isEqualTo("000000000000001f");
      assertThat(NodeId.random(constant(-1L)).value()).isEqualTo("ffffffffffffffff");
      assertThat(NodeId.random(constant(Long.MIN_VALUE)).value()).isEqualTo("8000000000000000");
      assertThat(NodeId.random(constant(0xABCDEF0123456789L)).value())
          .isEqualTo("abcdef0123456789");
    }

    private RandomGenerator constant(long value) {
      return () -> value;
    }

    private List<NodeId> draw(RandomGenerator random, int count) {
      List<NodeId> ids = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ids.add(NodeId.random(random));
      }
      return ids;
    }
  }

  @Nested
  @DisplayName("ordering and equality")
  class OrderingAndEquality {

    @Test
    @DisplayName("ids with the same text are equal and hash alike")
    void equalByValue() {
      NodeId a = NodeId.of("node-a");
      NodeId b = new NodeId("node-a");
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a.compareTo(b)).isZero();
      assertThat(a).isNotEqualTo(NodeId.of("node-b")).isNotEqualTo("node-a").isNotEqualTo(null);
    }

    @Test
    @DisplayName("is case-sensitive")
    void caseSensitive() {
      assertThat(NodeId.of("Node")).isNotEqualTo(NodeId.of("node"));
    }

    @Test
    @DisplayName("orders by the id's text")
    void ordersByText() {
      List<NodeId> ids =
          new ArrayList<>(
              List.of(NodeId.of("b"), NodeId.of("a2"), NodeId.of("a10"), NodeId.of("A"), NodeId.of("a")));
      ids.sort(null);
      assertThat(ids)
          .extracting(NodeId::value)
          .containsExactly("A", "a", "a10", "a2", "b");
      assertThat(NodeId.of("a").compareTo(NodeId.of("b"))).isNegative();
      assertThat(NodeId.of("b").compareTo(NodeId.of("a"))).isPositive();
    }

    @Test
    @DisplayName("toString is the bare id")
    void toStringIsValue() {
      assertThat(NodeId.of("orders-1")).hasToString("orders-1");
    }
  }
}
