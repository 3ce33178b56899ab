package io.meshwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TargetTest {

  @Nested
  @DisplayName("member(...)")
  class Member {

    @Test
    @DisplayName("addresses a member by id")
    void byId() {
      NodeId id = NodeId.of("orders-1");
      Target target = Target.member(id);
      assertThat(target).isInstanceOf(Target.ToMember.class);
      assertThat(((Target.ToMember) target).id()).isEqualTo(id);
    }

    @Test
    @DisplayName("toString names the member")
    void toStringNamesMember() {
      assertThat(Target.member(NodeId.of("orders-1"))).hasToString("member orders-1");
    }

    @Test
    @DisplayName("is a value")
    void valueEquality() {
      assertThat(Target.member(NodeId.of("a")))
          .isEqualTo(new Target.ToMember(NodeId.of("a")))
          .hasSameHashCodeAs(new Target.ToMember(NodeId.of("a")))
          .isNotEqualTo(Target.member(NodeId.of("b")));
    }

    @Test
    @DisplayName("rejects null")
    void rejectsNull() {
      assertThatNullPointerException().isThrownBy(() -> Target.member(null)).withMessage("id");
      assertThatNullPointerException().isThrownBy(() -> new Target.ToMember(null)).withMessage("id");
    }
  }

  @Nested
  @DisplayName("address(...)")
  class AddressTarget {

    @Test
    @DisplayName("addresses whatever listens at an Address")
    void byAddress() {
      Address address = Address.of("127.0.0.1", 7001);
      Target target = Target.address(address);
      assertThat(target).isInstanceOf(Target.ToAddress.class);
      assertThat(((Target.ToAddress) target).address()).isEqualTo(address);
    }

    @Test
    @DisplayName("parses host:port text")
    void byText() {
      assertThat(Target.address("127.0.0.1:7001"))
          .isEqualTo(Target.address(Address.of("127.0.0.1", 7001)));
      assertThat(Target.address("[::1]:7001")).isEqualTo(Target.address(Address.of("::1", 7001)));
    }

    @Test
    @DisplayName("toString names the address, bracketing IPv6")
    void toStringNamesAddress() {
      assertThat(Target.address("127.0.0.1:7001")).hasToString("address 127.0.0.1:7001");
      assertThat(Target.address("[::1]:7001")).hasToString("address [::1]:7001");
    }

    @Test
    @DisplayName("rejects text that is not an address, quoting it")
    void rejectsBadText() {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Target.address("nohost"))
          .withMessageContaining("'nohost'");
    }

    @Test
    @DisplayName("rejects null")
    void rejectsNull() {
      assertThatNullPointerException()
          .isThrownBy(() -> Target.address((Address) null))
          .withMessage("address");
      assertThatNullPointerException()
          .isThrownBy(() -> Target.address((String) null))
          .withMessage("text");
      assertThatNullPointerException()
          .isThrownBy(() -> new Target.ToAddress(null))
          .withMessage("address");
    }
  }

  @Test
  @DisplayName("a member target never equals an address target")
  void memberIsNotAddress() {
    assertThat(Target.member(NodeId.of("127.0.0.1:7001")))
        .isNotEqualTo(Target.address("127.0.0.1:7001"));
  }
}
