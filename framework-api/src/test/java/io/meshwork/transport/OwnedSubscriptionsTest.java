package io.meshwork.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

@DisplayName("OwnedSubscriptions holds only what runs, and cancels it on dispose")
class OwnedSubscriptionsTest {

  @Test
  @DisplayName("a subscription leaves the set when it ends; dispose cancels the rest and refuses more")
  void lifecycle() {
    OwnedSubscriptions owned = new OwnedSubscriptions();
    Sinks.Empty<Void> ends = Sinks.empty();
    AtomicBoolean cancelled = new AtomicBoolean();
    owned.run(ends.asMono());
    owned.run(Mono.never().doOnCancel(() -> cancelled.set(true)));
    owned.run(Mono.error(new IllegalStateException("swallowed")));
    assertThat(owned.size()).isEqualTo(2);
    ends.tryEmitEmpty();
    assertThat(owned.size()).isEqualTo(1);
    owned.dispose();
    assertThat(cancelled).isTrue();
    AtomicBoolean subscribed = new AtomicBoolean();
    owned.run(Mono.never().doOnSubscribe(s -> subscribed.set(true)));
    assertThat(subscribed).as("nothing starts after dispose").isFalse();
    assertThat(owned.isDisposed()).isTrue();
  }
}
