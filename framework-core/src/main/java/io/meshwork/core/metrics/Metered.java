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
   * Times a call that runs to its end on the calling thread, such as a fire-and-forget consumer:
   * counted active while it runs, recorded as a success when it returns. It must handle its own
   * failures (a failed fire-and-forget handler is logged, and its message counts as handled, on
   * either path).
   *
   * @param call the call
   * @param route the route tag
   * @param interaction the interaction model
   * @param inbound whether this node serves it
   */
  public void timed(Runnable call, String route, Interaction interaction, boolean inbound) {
    long start = environment.nanoTime();
    active.incrementAndGet();
    try {
      call.run();
    } finally {
      active.decrementAndGet();
      recorder.call(route, interaction, inbound, CallOutcome.SUCCESS, environment.nanoTime() - start);
    }
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
