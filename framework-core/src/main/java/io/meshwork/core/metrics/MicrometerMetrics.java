package io.meshwork.core.metrics;

import io.meshwork.Interaction;
import io.meshwork.NodeId;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipEvent;
import io.meshwork.spi.CallOutcome;
import io.meshwork.spi.NodeMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * A node's metrics in a Micrometer registry. Every meter carries the tag {@code node}.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * Node node = Node.builder().metrics(MicrometerMetrics.of(registry))...build();
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code meshwork.requests}</td><td>timer</td><td>route, interaction, direction
 *       (inbound|outbound), outcome</td><td>every call, retries included; an inbound call to a
 *       route the node does not serve is tagged route=UNKNOWN</td></tr>
 *   <tr><td>{@code meshwork.messages}</td><td>counter</td><td>direction (sent|received)</td>
 *       <td>messages, replies and stream elements</td></tr>
 *   <tr><td>{@code meshwork.payload}</td><td>counter, base unit bytes</td><td>direction</td>
 *       <td>their payload bytes</td></tr>
 *   <tr><td>{@code meshwork.retries}</td><td>counter</td><td></td><td>retries of outbound calls</td></tr>
 *   <tr><td>{@code meshwork.broadcast.dropped}</td><td>counter</td><td></td><td>messages a stream
 *       broadcast dropped for members that fell behind</td></tr>
 *   <tr><td>{@code meshwork.requests.active}</td><td>gauge</td><td></td><td>calls in flight, both
 *       directions</td></tr>
 *   <tr><td>{@code meshwork.peers}</td><td>gauge</td><td></td><td>peers connected now</td></tr>
 *   <tr><td>{@code meshwork.members}</td><td>gauge</td><td>status (alive|suspect|dead|left)</td>
 *       <td>members of this node's view in each status now, this node included (DEAD and LEFT
 *       members are kept for a while, then forgotten)</td></tr>
 *   <tr><td>{@code meshwork.membership.changes}</td><td>counter</td><td>type (joined|suspected|
 *       alive|left|dead|metadata_changed)</td><td>changes to this node's view, as
 *       {@code membership().events()} reports them (never the replay to a new subscriber)</td></tr>
 *   <tr><td>{@code meshwork.breaker.transitions}</td><td>counter</td><td>member, from, to</td>
 *       <td>circuit breaker state changes</td></tr>
 * </table>
 *
 * <p>Timers are created once per tag combination and cached; nothing is created per call.
 */
public final class MicrometerMetrics implements NodeMetrics {

  private final MeterRegistry registry;

  private MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Metrics recorded in {@code registry}.
   *
   * @param registry the registry
   * @return the metrics, for {@code NodeBuilder.metrics}
   */
  public static MicrometerMetrics of(MeterRegistry registry) {
    return new MicrometerMetrics(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public Recorder start(NodeId node, IntSupplier connectedPeers, IntSupplier activeRequests) {
    String id = node.value();
    Gauge peers =
        Gauge.builder("meshwork.peers", connectedPeers, IntSupplier::getAsInt)
        .tag("node", id)
        .description("Peers connected now")
        .strongReference(true) // the supplier is referenced nowhere else
        .register(registry);
    Gauge active =
        Gauge.builder("meshwork.requests.active", activeRequests, IntSupplier::getAsInt)
        .tag("node", id)
        .description("Calls in flight, both directions")
        .strongReference(true)
        .register(registry);
    return new MicrometerRecorder(registry, id, List.of(peers, active));
  }

  /** Records into prebuilt counters and cached timers. */
  private static final class MicrometerRecorder implements Recorder {
    private final MeterRegistry registry;
    private final String node;
    private final Counter sent;
    private final Counter received;
    private final Counter bytesSent;
    private final Counter bytesReceived;
    private final Counter retries;
    private final Counter dropped;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<MembershipEvent.Type, Counter> changes =
        new EnumMap<>(MembershipEvent.Type.class);
    private final List<Meter> gauges;

    MicrometerRecorder(MeterRegistry registry, String node, List<Meter> gauges) {
      this.registry = registry;
      this.node = node;
      this.gauges = new CopyOnWriteArrayList<>(gauges);
      for (MembershipEvent.Type type : MembershipEvent.Type.values()) {
        changes.put(
            type,
            Counter.builder("meshwork.membership.changes")
                .tag("node", node)
                .tag("type", type.name().toLowerCase(Locale.ROOT))
                .description("Changes to this node's membership view")
                .register(registry));
      }
      this.sent = counter("meshwork.messages", "sent", null);
      this.received = counter("meshwork.messages", "received", null);
      this.bytesSent = counter("meshwork.payload", "sent", "bytes");
      this.bytesReceived = counter("meshwork.payload", "received", "bytes");
      this.retries =
          Counter.builder("meshwork.retries").tag("node", node).description("Retries").register(registry);
      this.dropped =
          Counter.builder("meshwork.broadcast.dropped")
              .tag("node", node)
              .description("Messages a stream broadcast dropped for members that fell behind")
              .register(registry);
    }

    private Counter counter(String name, String direction, String unit) {
      Counter.Builder b = Counter.builder(name).tag("node", node).tag("direction", direction);
      if (unit != null) {
        b.baseUnit(unit);
      }
      return b.register(registry);
    }

    @Override
    public void call(
        String route, Interaction interaction, boolean inbound, CallOutcome outcome, long nanos) {
      timers
          .computeIfAbsent(
              new TimerKey(route, interaction, inbound, outcome),
              k ->
                  Timer.builder("meshwork.requests")
                      .tag("node", node)
                      .tag("route", k.route())
                      .tag("interaction", k.interaction().name().toLowerCase(java.util.Locale.ROOT))
                      .tag("direction", k.inbound() ? "inbound" : "outbound")
                      .tag("outcome", k.outcome().name().toLowerCase(java.util.Locale.ROOT))
                      .description("Calls, retries included")
                      .register(registry))
          .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void message(boolean inbound, int payloadBytes) {
      if (inbound) {
        received.increment();
        bytesReceived.increment(payloadBytes);
      } else {
        sent.increment();
        bytesSent.increment(payloadBytes);
      }
    }

    @Override
    public void retry() {
      retries.increment();
    }

    @Override
    public void dropped(long count) {
      dropped.increment(count);
    }

    @Override
    public void breaker(String member, String from, String to) {
      Counter.builder("meshwork.breaker.transitions")
          .tag("node", node)
          .tag("member", member)
          .tag("from", from.toLowerCase(java.util.Locale.ROOT))
          .tag("to", to.toLowerCase(java.util.Locale.ROOT))
          .description("Circuit breaker state changes, per member")
          .register(registry)
          .increment();
    }

    @Override
    public void members(ToIntFunction<MemberStatus> members) {
      for (MemberStatus status : MemberStatus.values()) {
        gauges.add(
            Gauge.builder("meshwork.members", members, m -> m.applyAsInt(status))
                .tag("node", node)
                .tag("status", status.name().toLowerCase(Locale.ROOT))
                .description("Members of this node's view in this status, itself included")
                .strongReference(true)
                .register(registry));
      }
    }

    @Override
    public void membership(MembershipEvent.Type type) {
      changes.get(type).increment();
    }

    @Override
    public void close() {
      gauges.forEach(registry::remove);
    }
  }

  private record TimerKey(String route, Interaction interaction, boolean inbound, CallOutcome outcome) {}
}
