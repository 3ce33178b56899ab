package io.meshwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {

  @Nested
  @DisplayName("parse(...)")
  class Parse {

    @Test
    @DisplayName("parses an IPv4 literal and a port")
    void parsesIpv4() {
      Address a = Address.parse("127.0.0.1:7001");
      assertThat(a.host()).isEqualTo("127.0.0.1");
      assertThat(a.port()).isEqualTo(7001);
      assertThat(a).isEqualTo(Address.of("127.0.0.1", 7001));
    }

    @Test
    @DisplayName("parses a host name")
    void parsesHostName() {
      Address a = Address.parse("example.org:443");
      assertThat(a.host()).isEqualTo("example.org");
      assertThat(a.port()).isEqualTo(443);
    }

    @Test
    @DisplayName("parses a bracketed IPv6 literal, dropping the brackets from the host")
    void parsesBracketedIpv6() {
      Address a = Address.parse("[::1]:7001");
      assertThat(a.host()).isEqualTo("::1");
      assertThat(a.port()).isEqualTo(7001);

      Address full = Address.parse("[2001:db8::8a2e:370:7334]:443");
      assertThat(full.host()).isEqualTo("2001:db8::8a2e:370:7334");
      assertThat(full.port()).isEqualTo(443);
    }

    @Test
    @DisplayName("accepts the port range limits 0 and 65535")
    void acceptsPortLimits() {
      assertThat(Address.parse("h:0").port()).isZero();
      assertThat(Address.parse("h:65535").port()).isEqualTo(65535);
    }

    @Test
    @DisplayName("ignores surrounding whitespace")
    void trimsSurroundingWhitespace() {
      assertThat(Address.parse("  127.0.0.1:7001 \n")).isEqualTo(Address.of("127.0.0.1", 7001));
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"nohost", ":80", "h:", "h:x", "::1:80", "", "h:8o", "[::1]:", "[::1"})
    @DisplayName("rejects text not of the form host:port or [v6]:port, quoting the text")
    void rejectsMalformedText(String bad) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Address.parse(bad))
          .withMessageContaining("'" + bad + "'");
    }

    @Test
    @DisplayName("tells the user to bracket an unbracketed IPv6 literal")
    void explainsUnbracketedIpv6() {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Address.parse("::1:80"))
          .withMessageContaining("[v6]:port")
          .withMessageContaining("'::1:80'");
    }

    @Test
    @DisplayName("says the port is not a number, quoting the text (a sign counts as not a number)")
    void nonNumericPort() {
      for (String bad : new String[] {"h:x", "h:+80", "h:8 0"}) {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Address.parse(bad))
            .withMessageContaining("not a number")
            .withMessageContaining("'" + bad + "'");
      }
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"h:70000", "h:-1", "h:65536", "[]:80"})
    @DisplayName("rejects an out-of-range port or empty host, quoting the text")
    void rejectsOutOfRangeQuotingTheText(String bad) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Address.parse(bad))
          .withMessageContaining(bad);
    }

    @Test
    @DisplayName("rejects an out-of-range port with an IllegalArgumentException")
    void rejectsOutOfRangePort() {
      // The exception type is right even where the message is not (see the BUG above).
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Address.parse("h:70000"))
          .withMessageContaining("70000");
    }

    @Test
    @DisplayName("rejects null")
    void rejectsNull() {
      assertThatNullPointerException().isThrownBy(() -> Address.parse(null)).withMessage("text");
    }
  }

  @Nested
  @DisplayName("toString")
  class ToString {

    @Test
    @DisplayName("writes host:port for IPv4 and host names")
    void ipv4() {
      assertThat(Address.of("127.0.0.1", 7001)).hasToString("127.0.0.1:7001");
      assertThat(Address.of("example.org", 0)).hasToString("example.org:0");
    }

    @Test
    @DisplayName("brackets an IPv6 literal")
    void ipv6() {
      assertThat(Address.of("::1", 7001)).hasToString("[::1]:7001");
    }

    @ParameterizedTest(name = "round-trips \"{0}\"")
    @ValueSource(
        strings = {"127.0.0.1:7001", "[::1]:7001", "example.org:0", "[fe80::1%25eth0]:65535"})
    @DisplayName("parse(toString()) round-trips, and toString(parse(text)) gives the text back")
    void roundTrips(String text) {
      Address parsed = Address.parse(text);
      assertThat(parsed).hasToString(text);
      assertThat(Address.parse(parsed.toString())).isEqualTo(parsed);
    }
  }

  @Nested
  @DisplayName("of(...)")
  class Of {

    @Test
    @DisplayName("accepts ports 0 and 65535")
    void acceptsPortLimits() {
      assertThat(Address.of("h", 0).port()).isZero();
      assertThat(Address.of("h", 65535).port()).isEqualTo(65535);
    }

    @ParameterizedTest(name = "rejects port {0}")
    @ValueSource(ints = {-1, 65536, Integer.MIN_VALUE, Integer.MAX_VALUE})
    @DisplayName("rejects ports outside 0..65535, naming port and host")
    void rejectsBadPorts(int port) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Address.of("somehost", port))
          .withMessageContaining("0..65535")
          .withMessageContaining(String.valueOf(port))
          .withMessageContaining("somehost");
    }

    @ParameterizedTest(name = "rejects host \"{0}\"")
    @ValueSource(strings = {"", " ", "\t"})
    @DisplayName("rejects a blank host")
    void rejectsBlankHost(String host) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Address.of(host, 80))
          .withMessageContaining("host must not be blank");
    }

    @Test
    @DisplayName("rejects a null host")
    void rejectsNullHost() {
      assertThatNullPointerException().isThrownBy(() -> Address.of(null, 80)).withMessage("host");
    }

    @Test
    @DisplayName("is a value: equal host and port are equal")
    void valueEquality() {
      assertThat(Address.of("h", 1)).isEqualTo(new Address("h", 1)).hasSameHashCodeAs(new Address("h", 1));
      assertThat(Address.of("h", 1)).isNotEqualTo(Address.of("h", 2)).isNotEqualTo(Address.of("g", 1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0:7000", "[::]:7000", "[0:0:0:0:0:0:0:0]:7000"})
  @DisplayName("the any-address is a wildcard: bindable, not dialable")
  void wildcards(String text) {
    assertThat(Address.parse(text).isWildcard()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:7000", "localhost:7000", "[::1]:7000", "10.0.0.0:1"})
  @DisplayName("any other host is not")
  void notWildcards(String text) {
    assertThat(Address.parse(text).isWildcard()).isFalse();
  }
}
