package io.meshwork.testkit.routing;

import io.meshwork.CallOptions;
import io.meshwork.Node;
import io.meshwork.NodeBuilder;
import io.meshwork.RetryPolicy;
import io.meshwork.rsocket.LeakTrackingByteBufAllocator;
import io.meshwork.rsocket.RSocketTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A test's nodes over real RSocket on loopback, on one leak-tracking allocator, with the test's
 * call timeout and no retries; {@link #stopAll} stops them and checks every buffer was released.
 */
final class LoopbackNodes {

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final List<Node> nodes = new ArrayList<>();
  private final Duration call;

  LoopbackNodes(Duration call) {
    this.call = call;
  }

  /** Starts a node on an ephemeral port, its transport and builder adjusted by the test. */
  Node start(
      String id, UnaryOperator<RSocketTransport.Builder> transport, UnaryOperator<NodeBuilder> more) {
    Node n =
        more.apply(
                Node.builder()
                    .id(id)
                    .bind("127.0.0.1", 0)
                    .transport(transport.apply(RSocketTransport.builder().allocator(allocator)).build())
                    .callOptions(CallOptions.defaults().timeout(call).retry(RetryPolicy.none())))
            .build();
    nodes.add(n);
    return n.start().block(call);
  }

  /** Stops every node, then checks that every buffer was released. */
  void stopAll() {
    nodes.forEach(n -> n.shutdown().block(call));
    allocator.assertAllReleased(Duration.ofSeconds(5));
  }

  /** The calls a node refused, as its {@code meshwork.requests{outcome=rejected}} timers count. */
  static double refused(MeterRegistry registry, @Nullable String interaction) {
    Search search = registry.find("meshwork.requests").tag("outcome", "rejected");
    if (interaction != null) {
      search = search.tag("interaction", interaction);
    }
    return search.timers().stream().mapToDouble(t -> t.count()).sum();
  }
}
