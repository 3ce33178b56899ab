package io.meshwork.core.metrics;

import io.meshwork.Environment;
import io.meshwork.Interaction;
import io.meshwork.spi.CallOutcome;
import io.meshwork.spi.NodeMetrics;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

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
          return call.doOnEach(t::signal).doOnCancel(t::cancelled);
        });
  }

  /**
   * Starts timing a call the caller ends itself with {@link #end}, such as a fire-and-forget
   * message whose operator reports its own outcome: counts it active.
   *
   * @return the start, to give to {@link #end}
   */
  public long begin() {
    active.incrementAndGet();
    return environment.nanoTime();
  }

  /**
   * Ends a call started with {@link #begin}; call it once per {@code begin}.
   *
   * @param start what {@link #begin} returned
   * @param route the route tag
   * @param interaction the interaction model
   * @param inbound whether this node serves it
   * @param outcome how it ended
   */
  public void end(
      long start, String route, Interaction interaction, boolean inbound, CallOutcome outcome) {
    active.decrementAndGet();
    recorder.call(route, interaction, inbound, outcome, environment.nanoTime() - start);
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
          return call.doOnEach(t::signal).doOnCancel(t::cancelled);
        });
  }

  /**
   * One call's timing; created at subscription. It records at the terminal signal, before the
   * signal reaches the subscriber (so a caller that saw the outcome sees it counted), or at a
   * cancel; once.
   */
  private final class Timing {
    private final String route;
    private final Interaction interaction;
    private final boolean inbound;
    private final long start;
    private final AtomicBoolean ended = new AtomicBoolean();

    Timing(String route, Interaction interaction, boolean inbound) {
      this.route = route;
      this.interaction = interaction;
      this.inbound = inbound;
      this.start = environment.nanoTime();
      active.incrementAndGet();
    }

    void signal(Signal<?> signal) {
      if (signal.isOnError()) {
        end(CallOutcome.of(signal.getThrowable()));
      } else if (signal.isOnComplete()) {
        end(CallOutcome.SUCCESS);
      }
    }

    void cancelled() {
      end(CallOutcome.CANCELLED);
    }

    private void end(CallOutcome outcome) {
      if (ended.compareAndSet(false, true)) {
        active.decrementAndGet();
        recorder.call(route, interaction, inbound, outcome, environment.nanoTime() - start);
      }
    }
  }
}
