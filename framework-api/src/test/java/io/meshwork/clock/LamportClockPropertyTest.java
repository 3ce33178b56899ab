package io.meshwork.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Negative;
import net.jqwik.api.constraints.Size;

/** Properties of {@link LamportClock}'s rules over generated times. */
class LamportClockPropertyTest {

  @Property
  @Label("receive(r) returns max(local, r) + 1, greater than both the local time and r")
  void receiveJumpsPastBoth(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) long local,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) long remote) {
    LamportClock clock = new LamportClock(local);

    long time = clock.receive(remote);

    assertThat(time).isGreaterThan(local).isGreaterThan(remote);
    assertThat(time).isEqualTo(Math.max(local, remote) + 1);
    assertThat(clock.now()).isEqualTo(time);
  }

  @Property
  @Label("tick() returns now() + 1 and the clock keeps it")
  void tickAdvancesByOne(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) long local) {
    LamportClock clock = new LamportClock(local);
    assertThat(clock.tick()).isEqualTo(local + 1);
    assertThat(clock.now()).isEqualTo(local + 1);
  }

  @Property
  @Label("a sequence of ticks and receives returns strictly increasing times")
  void timesIncrease(
      @ForAll @Size(max = 50) List<@LongRange(min = 0, max = 1_000_000) Long> remotes) {
    LamportClock clock = new LamportClock();
    long previous = clock.now();
    for (long remote : remotes) {
      long ticked = clock.tick();
      long received = clock.receive(remote);
      assertThat(ticked).isGreaterThan(previous);
      assertThat(received).isGreaterThan(ticked).isGreaterThan(remote);
      previous = received;
    }
  }

  @Property
  @Label("negative remote times are rejected and leave the clock unchanged")
  void negativeRemoteRejected(
      @ForAll @LongRange(min = 0, max = 1_000_000) long local, @ForAll @Negative long remote) {
    LamportClock clock = new LamportClock(local);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> clock.receive(remote))
        .withMessageContaining(Long.toString(remote));
    assertThat(clock.now()).isEqualTo(local);
  }

  @Property
  @Label("receiving Long.MAX_VALUE overflows instead of wrapping, and leaves the clock unchanged")
  void receiveOverflowThrows(@ForAll @LongRange(min = 0) long local) {
    LamportClock clock = new LamportClock(local);
    assertThatThrownBy(() -> clock.receive(Long.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
    assertThat(clock.now()).isEqualTo(local);
  }
}
