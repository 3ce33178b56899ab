package io.meshwork.spi;

import io.meshwork.Interaction;
import io.meshwork.NodeId;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipEvent;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * Where a node reports what it does. {@code framework-core}'s {@code MicrometerMetrics} records
 * it in a Micrometer {@code MeterRegistry}; {@link #NONE} (the default) records nothing, and the
 * node then adds no metering operator at all.
 *
 * <pre>{@code
 * Node.builder().metrics(MicrometerMetrics.of(registry))...
 * }</pre>
 */
public interface NodeMetrics {

  /** Records nothing; a node given it adds no metering operator at all. */
  NodeMetrics NONE = (node, peers, active) -> NoRecorder.INSTANCE;

  /**
   * Called once, when a node is built.
   *
   * @param node the node, a tag on every meter
   * @param connectedPeers reads how many peers the node is connected to now
   * @param activeRequests reads how many calls are in flight now, both directions
   * @return the recorder the node reports to
   */
  Recorder start(NodeId node, IntSupplier connectedPeers, IntSupplier activeRequests);

  /**
   * Receives a node's events. Called on the node's I/O and caller threads: implementations must
   * be thread-safe, must not block, and should not allocate per call.
   */
  interface Recorder {

    /**
     * A call ended.
     *
     * @param route the route ({@code UNKNOWN} for an inbound call to a route the node does not
     *     serve, so callers cannot inflate the tag's cardinality)
     * @param interaction the interaction model
     * @param inbound whether this node served it (else it made it)
     * @param outcome how it ended
     * @param nanos how long it took, retries included
     */
    void call(String route, Interaction interaction, boolean inbound, CallOutcome outcome, long nanos);

    /**
     * A message was sent or received.
     *
     * @param inbound whether it was received
     * @param payloadBytes its payload size
     */
    void message(boolean inbound, int payloadBytes);

    /** A call was retried. */
    void retry();

    /**
     * Messages a stream broadcast dropped for a member that fell behind.
     *
     * @param count how many
     */
    void dropped(long count);

    /**
     * The node shut down: release what reads its state (gauges), so a node started later with
     * the same id can register its own. Counters and timers may stay and go on counting.
     */
    default void close() {}

    /**
     * A member's circuit breaker changed state (CLOSED, OPEN, HALF_OPEN...).
     *
     * @param member the member's id
     * @param from the state it left
     * @param to the state it entered
     */
    default void breaker(String member, String from, String to) {}

    /**
     * Called once, when the node is built: how to read its membership view, for gauges.
     *
     * @param members reads how many members of the view, this node included, are in a status now
     *     (DEAD and LEFT members are kept for a while, then forgotten)
     */
    default void members(ToIntFunction<MemberStatus> members) {}

    /**
     * A member changed in this node's view: joined, suspected, refuted, left, died or advertised
     * new metadata. Called on the membership protocol's thread.
     *
     * @param type what happened
     */
    default void membership(MembershipEvent.Type type) {}
  }

  /** The recorder of {@link #NONE}. */
  enum NoRecorder implements Recorder {
    /** The one instance. */
    INSTANCE;

    @Override
    public void call(
        String route, Interaction interaction, boolean inbound, CallOutcome outcome, long nanos) {}

    @Override
    public void message(boolean inbound, int payloadBytes) {}

    @Override
    public void retry() {}

    @Override
    public void dropped(long count) {}
  }
}
