package io.meshwork.core.metrics;

import io.meshwork.Environment;
import io.meshwork.Interaction;
import io.meshwork.spi.CallOutcome;
import io.meshwork.spi.NodeMetrics;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Times a call from subscription to its end and counts it in flight, for one node's recorder.
 * The engine only calls it when the node has metrics.
 */
public final class Metered {

  private final NodeMetrics.Recorder recorder;
  private final Environment environment;
  private final AtomicInteger active;

  /**
   * Creates the meter of one node.
   *
   * @param recorder the node's recorder
   * @param environment its clock
   * @param active its in-flight count, shared by both directions
   */
  public Metered(NodeMetrics.Recorder recorder, Environment environment, AtomicInteger active) {
    this.recorder = recorder;
    this.environment = environment;
    this.active = active;
  }

  /**
   * The recorder.
   *
   * @return the node's recorder
   */
  public NodeMetrics.Recorder recorder() {
    return recorder;
  }

  /**
   * Times a single-valued call.
   *
   * @param call the call
   * @param route the route tag
   * @param interaction the interaction model
   * @param inbound whether this node serves it
   * @param <T> the value type
   * @return the timed call
   */
  public <T> Mono<T> mono(Mono<T> call, String route, Interaction interaction, boolean inbound) {
    return Mono.defer(
        () -> {
          Timing t = new Timing(route, interaction, inbound);
          return call.doOnError(t::failed).doFinally(t::end);
        });
  }

  /**
   * Times a stream from subscription to its end.
   *
   * @param call the stream
   * @param route the route tag
   * @param interaction the interaction model
   * @param inbound whether this node serves it
   * @param <T> the element type
   * @return the timed stream
   */
  public <T> Flux<T> flux(Flux<T> call, String route, Interaction interaction, boolean inbound) {
    return Flux.defer(
        () -> {
          Timing t = new Timing(route, interaction, inbound);
          return call.doOnError(t::failed).doFinally(t::end);
        });
  }

  /** One call's timing; created at subscription. */
  private final class Timing {
    private final String route;
    private final Interaction interaction;
    private final boolean inbound;
    private final long start;
    private @Nullable Throwable error;

    Timing(String route, Interaction interaction, boolean inbound) {
      this.route = route;
      this.interaction = interaction;
      this.inbound = inbound;
      this.start = environment.nanoTime();
      active.incrementAndGet();
    }

    void failed(Throwable e) {
      error = e;
    }

    void end(SignalType signal) {
      active.decrementAndGet();
      CallOutcome outcome =
          signal == SignalType.CANCEL ? CallOutcome.CANCELLED : CallOutcome.of(error);
      recorder.call(route, interaction, inbound, outcome, environment.nanoTime() - start);
    }
  }
}
