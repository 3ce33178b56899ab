package io.meshwork.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@DisplayName("BlockHound is installed in this module's test JVM")
class BlockHoundIsActiveTest {

  @Test
  @DisplayName("a timed sleep (TimeUnit.sleep, the JDK's sleep underneath) on a parallel thread fails")
  void blockingOnAParallelThreadFails() {
    Mono<Void> blocking =
        Mono.<Void>fromCallable(
                () -> {
                  TimeUnit.MILLISECONDS.sleep(1);
                  return null;
                })
            .subscribeOn(Schedulers.parallel());
    assertThatThrownBy(blocking::block).hasCauseInstanceOf(BlockingOperationError.class);
  }
}
